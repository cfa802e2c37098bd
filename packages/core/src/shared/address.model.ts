import { Schema } from 'mongoose'
import type { Address } from './address.js'

/**
 * The stored fields of a postal address, for every model that embeds one: a store's `address`
 * is exactly these (`addressSubSchema`); an order's `shippingAddress` adds a name and a phone.
 */
export const addressFields = {
  line1: { type: String, required: true },
  line2: String,
  city: { type: String, required: true },
  state: { type: String, required: true },
  country: { type: String, required: true },
  postalCode: String,
} as const

/** The postal address as an embedded, id-less sub-document. */
export const addressSubSchema = new Schema<Address>(addressFields, { _id: false })
