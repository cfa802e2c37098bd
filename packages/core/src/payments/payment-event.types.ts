/** A recorded payment provider event, as administrators see it. */
export interface PaymentEventDTO {
  id: string
  key: string
  provider: 'paystack'
  event: string
  reference: string | null
  status: string | null
  receivedAt: string
}

/** What a webhook delivery boils down to once verified and parsed. */
export interface VerifiedPaymentEvent {
  /** Unique per event (see paystackEventKey): a second delivery with it is a duplicate. */
  key: string
  event: string
  reference: string | null
  status: string | null
  rawBody: string
}
