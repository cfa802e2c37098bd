import { describe, expect, it } from '@jest/globals'
import { shippingAddress } from '../orders/order.schemas.js'
import { registerStoreBody } from '../stores/store.schemas.js'
import { addressSchema } from './address.js'

const postal = { line1: ' 12 Admiralty Way ', city: 'Lagos', state: 'Lagos', country: 'ng ' }

describe('addressSchema', () => {
  it('trims the lines and upper-cases the country code', () => {
    expect(addressSchema.parse(postal)).toEqual({
      line1: '12 Admiralty Way',
      city: 'Lagos',
      state: 'Lagos',
      country: 'NG',
    })
  })

  it('refuses a country that is not a two-letter code', () => {
    expect(addressSchema.safeParse({ ...postal, country: 'NGA' }).success).toBe(false)
  })

  it('refuses an unknown field and an empty optional line', () => {
    expect(addressSchema.safeParse({ ...postal, street: 'x' }).success).toBe(false)
    expect(addressSchema.safeParse({ ...postal, line2: '  ' }).success).toBe(false)
  })

  it('is the postal part of both a store and a shipping address', () => {
    const shipping = shippingAddress.parse({ name: 'Ada', phone: '+234 803 123 4567', ...postal })
    const { name: _name, phone: _phone, ...shippingPostal } = shipping
    expect(shippingPostal).toEqual(addressSchema.parse(postal))
    expect(registerStoreBody.shape.address).toBe(addressSchema)
  })
})
