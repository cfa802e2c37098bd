import type { ChargeOutcome } from './paystack.types.js'

/** A card from Paystack's test-payments page and what the sandbox does with it. */
export interface TestCard {
  number: string
  cvv: string
  pin: string | null
  otp: string | null
  brand: 'visa' | 'mastercard' | 'verve'
  bank: string
  /** Result of paying with it at checkout or charging its saved authorization. */
  outcome: ChargeOutcome
  /** What later happens to refunds of a transaction paid with it. */
  refundOutcome: 'processed' | 'failed' | 'needs-attention'
  label: string
}

/** The test cards of the reference (§1.6); any future expiry date works with each of them. */
export const TEST_CARDS: readonly TestCard[] = [
  {
    number: '4084084084084081',
    cvv: '408',
    pin: null,
    otp: null,
    brand: 'visa',
    bank: 'TEST BANK',
    outcome: 'success',
    refundOutcome: 'processed',
    label: 'Succeeds, no validation, reusable',
  },
  {
    number: '507850785078507812',
    cvv: '081',
    pin: '1111',
    otp: null,
    brand: 'verve',
    bank: 'TEST BANK',
    outcome: 'success',
    refundOutcome: 'processed',
    label: 'Succeeds with PIN 1111',
  },
  {
    number: '5060666666666666666',
    cvv: '123',
    pin: '1234',
    otp: '123456',
    brand: 'verve',
    bank: 'TEST BANK',
    outcome: 'success',
    refundOutcome: 'processed',
    label: 'Succeeds with PIN 1234 and OTP 123456',
  },
  {
    number: '4084080000005408',
    cvv: '001',
    pin: null,
    otp: null,
    brand: 'visa',
    bank: 'TEST BANK',
    outcome: 'decline',
    refundOutcome: 'processed',
    label: 'Declined',
  },
  {
    number: '4084080000670037',
    cvv: '787',
    pin: null,
    otp: null,
    brand: 'visa',
    bank: 'TEST BANK',
    outcome: 'insufficient_funds',
    refundOutcome: 'processed',
    label: 'Insufficient funds',
  },
  {
    number: '4084080000671803',
    cvv: '180',
    pin: null,
    otp: null,
    brand: 'visa',
    bank: 'TEST BANK',
    outcome: 'success',
    refundOutcome: 'failed',
    label: 'Succeeds; refunds of it fail',
  },
  {
    number: '4084080000671902',
    cvv: '190',
    pin: null,
    otp: null,
    brand: 'visa',
    bank: 'TEST BANK',
    outcome: 'success',
    refundOutcome: 'needs-attention',
    label: 'Succeeds; refunds of it need attention',
  },
]

export const DEFAULT_TEST_CARD = TEST_CARDS[0]!

/** Finds a test card by number, ignoring spaces. */
export function findTestCard(number: string): TestCard | undefined {
  const digits = number.replace(/\s+/g, '')
  return TEST_CARDS.find((card) => card.number === digits)
}

/** Groups digits by four for display: "4084 0840 8408 4081". */
export function formatCardNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ')
}

/** The gateway_response Paystack shows for each outcome. */
export const GATEWAY_RESPONSES: Record<ChargeOutcome | 'abandon', string> = {
  success: 'Successful',
  decline: 'Declined',
  insufficient_funds: 'Insufficient Funds',
  abandon: 'The transaction was not completed',
}
