import { z } from 'zod'

/**
 * The postal address, one shape wherever one is kept: a store's address, and (with a name and a
 * phone) an order's shipping address. Its rules are `addressSchema`; its stored form is
 * `addressFields` (`address.model.ts`).
 */
export interface Address {
  line1: string
  line2?: string
  city: string
  state: string
  country: string
  postalCode?: string
}

const line = (max: number) => z.string().trim().min(1).max(max)

/** A phone number as people write it: digits, spaces, brackets and dashes, an optional `+`. */
export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{6,19}$/, 'must be a phone number, e.g. +234 803 123 4567')
  .meta({ example: '+234 803 123 4567' })

/**
 * The postal address as the API and the CLI take it (strict; the country code is upper-cased),
 * with the examples of the OpenAPI document. The server's contract shows stores' addresses
 * with this same schema.
 */
export const addressSchema = z.strictObject({
  line1: line(200).meta({ example: '12 Admiralty Way' }),
  line2: line(200).optional(),
  city: line(100).meta({ example: 'Lagos' }),
  state: line(100).meta({ example: 'Lagos' }),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
    .toUpperCase()
    .meta({ example: 'NG' }),
  postalCode: line(20).optional(),
})

/** A copy of an address with only its fields, and without empty optional ones. */
export const addressOf = (a: Address): Address => ({
  line1: a.line1,
  ...(a.line2 ? { line2: a.line2 } : {}),
  city: a.city,
  state: a.state,
  country: a.country,
  ...(a.postalCode ? { postalCode: a.postalCode } : {}),
})
