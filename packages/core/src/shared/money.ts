/** Currencies we settle in; amounts are always integer minor units (kobo for NGN). */
export const CURRENCIES = ['NGN', 'GHS', 'ZAR', 'KES', 'USD'] as const
export type Currency = (typeof CURRENCIES)[number]

export interface Money {
  amount: number
  currency: Currency
}

const symbols: Record<Currency, string> = { NGN: '₦', GHS: 'GH₵', ZAR: 'R', KES: 'KSh', USD: '$' }

/** Guards the one rule everything else relies on: money is a safe integer of minor units. */
export function assertMinorUnits(amount: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Not an integer amount: ${amount}`)
  return amount
}

/**
 * The share of `amount` for a rate in basis points (500 = 5%), rounded half up to the minor
 * unit; integer arithmetic only, so the parts always add back to the whole.
 */
export function shareOf(amount: number, basisPoints: number): number {
  assertMinorUnits(amount)
  return Math.floor((amount * basisPoints + 5_000) / 10_000)
}

/** Formats minor units for people: `formatMoney(1250000, 'NGN')` is `₦12,500.00`. */
export function formatMoney(amount: number, currency: Currency = 'NGN'): string {
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(amount)
  const major = Math.floor(abs / 100).toLocaleString('en-US')
  const minor = String(abs % 100).padStart(2, '0')
  return `${sign}${symbols[currency]}${major}.${minor}`
}
