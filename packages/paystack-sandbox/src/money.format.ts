import type { Currency } from './paystack.types.js'

const SYMBOLS: Record<Currency, string> = {
  NGN: '₦',
  GHS: '₵',
  ZAR: 'R',
  KES: 'Ksh ',
  USD: '$',
}

/** Smallest amount Paystack accepts per charge, in subunits (reference §1.1). */
export const MINIMUM_CHARGE: Record<Currency, number> = {
  NGN: 5_000,
  USD: 200,
  GHS: 10,
  ZAR: 100,
  KES: 300,
}

/**
 * Paystack's cap is "10,000,000" without a unit in the error catalogue; we read it as major units,
 * which is the generous reading, so real clients are never refused here and accepted there.
 */
export const MAXIMUM_CHARGE = 10_000_000 * 100

/** Formats subunits for people: 1250000 NGN -> "₦12,500.00". */
export function formatAmount(amount: number, currency: Currency): string {
  const major = (amount / 100).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
  return `${SYMBOLS[currency]}${major}`
}

export type FeeModel = 'paystack' | 'none'

/**
 * Paystack's published local-card pricing, as an approximation: NGN 1.5% + ₦100 (the ₦100 waived
 * under ₦2,500) capped at ₦2,000; other currencies a flat 2.9%. Real fees depend on the card's
 * origin and the merchant's plan; the sandbox only needs a plausible, deterministic number.
 */
export function chargeFees(amount: number, currency: Currency, model: FeeModel): number {
  if (model === 'none') return 0
  if (currency === 'NGN') {
    const flat = amount < 250_000 ? 0 : 10_000
    return Math.min(Math.round(amount * 0.015) + flat, 200_000)
  }
  return Math.round(amount * 0.029)
}

/**
 * Paystack's fee on a transfer from the balance (its NGN pricing): ₦10 up to ₦5,000, ₦25 up to
 * ₦50,000, ₦50 above. The sandbox pays recipients in NGN only, so other currencies cost nothing.
 */
export function transferFee(amount: number, currency: Currency, model: FeeModel): number {
  if (model === 'none' || currency !== 'NGN') return 0
  if (amount <= 500_000) return 1_000
  if (amount <= 5_000_000) return 2_500
  return 5_000
}
