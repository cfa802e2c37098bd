import type { z } from 'zod'
import { invalid } from './paystack.errors.js'

// Marks zod's built-in messages so they can be replaced by Paystack-style wording, while the
// messages written into our schemas (Paystack's exact texts) pass through unchanged.
const BUILT_IN = '\u0000built-in'

const LABELS: Record<string, string> = {
  email: 'Email Address',
  amount: 'Amount',
  reference: 'Reference',
  currency: 'Currency',
  authorization_code: 'Authorization code',
  transaction: 'Transaction',
  recipient: 'Recipient',
  transfer_code: 'Transfer code',
  otp: 'OTP',
  name: 'Name',
  type: 'Type',
  account_number: 'Account number',
  bank_code: 'Bank code',
  interval: 'Interval',
  plan: 'Plan',
  customer: 'Customer',
  code: 'Subscription code',
  token: 'Email token',
  source: 'Source',
  transfers: 'Transfers',
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

/** Blank form fields mean "not sent", as they do for Paystack. */
function dropBlanks(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== ''))
}

/**
 * Parses a request body or query with a zod schema.
 * @throws PaystackError 400: `missing_params` for an absent field, `invalid_params` otherwise.
 */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const input = dropBlanks(raw)
  const result = schema.safeParse(input, { error: () => BUILT_IN })
  if (result.success) return result.data
  const issue = result.error.issues[0]
  if (!issue) throw invalid('Invalid request')
  const key = issue.path.at(-1)
  const label = (typeof key === 'string' && LABELS[key]) || issue.path.join('.') || 'Request body'
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    throw invalid(`${label} is required`, 'missing_params', 'Provide all required params')
  }
  if (issue.message !== BUILT_IN) throw invalid(issue.message)
  if (issue.code === 'invalid_value') {
    throw invalid(`Invalid ${label}: expected one of ${issue.values.map(String).join(', ')}`)
  }
  throw invalid(`Invalid ${label}`)
}
