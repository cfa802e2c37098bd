import {
  type DisputeEvidenceInput,
  disputeEvidenceSchema,
  type PaystackDispute,
  paystackDisputeSchema,
  type ResolvePaystackDisputeInput,
} from './paystack.disputes.js'
import { assertPositiveId, type PaystackRequest } from './paystack.request.js'

// Paystack's disputes (chargebacks): one dispute, the merchant's evidence, the resolution.

/** One dispute (chargeback) by Paystack's id. */
export async function fetchDispute(
  paystack: PaystackRequest,
  id: number,
): Promise<PaystackDispute> {
  assertPositiveId(id)
  return paystack.call('GET', `/dispute/${id}`, paystackDisputeSchema, 'fetch dispute')
}

/** Sends the merchant's evidence on a dispute; returns the evidence id. */
export async function submitDisputeEvidence(
  paystack: PaystackRequest,
  id: number,
  input: DisputeEvidenceInput,
): Promise<{ id: number }> {
  assertPositiveId(id)
  const data = await paystack.call(
    'POST',
    `/dispute/${id}/evidence`,
    disputeEvidenceSchema,
    'add dispute evidence',
    {
      body: {
        customer_email: input.customerEmail,
        customer_name: input.customerName,
        customer_phone: input.customerPhone,
        service_details: input.serviceDetails,
        ...(input.deliveryAddress ? { delivery_address: input.deliveryAddress } : {}),
        ...(input.deliveryDate ? { delivery_date: input.deliveryDate } : {}),
      },
    },
  )
  return { id: data.id }
}

/** Accepts (refunding `refundAmount`) or declines a dispute. */
export async function resolveDispute(
  paystack: PaystackRequest,
  id: number,
  input: ResolvePaystackDisputeInput,
): Promise<PaystackDispute> {
  assertPositiveId(id)
  return paystack.call('PUT', `/dispute/${id}/resolve`, paystackDisputeSchema, 'resolve dispute', {
    body: {
      resolution: input.resolution,
      message: input.message,
      refund_amount: input.refundAmount,
      uploaded_filename: input.uploadedFilename,
      ...(input.evidenceId !== undefined ? { evidence: input.evidenceId } : {}),
    },
  })
}
