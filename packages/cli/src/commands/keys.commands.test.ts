import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { AccountNumberCipher, type SealedValue } from '@kloset/core'
import {
  adminCliCtx,
  anAccountNumber,
  aPaidOrder,
  aSellerWithPayoutAccount,
  aShippingAddress,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import KeysRotate, { type KeysRotateResult } from './keys/rotate.js'

let orderId: string
let groupId: string
let storeId: string
const accountNumber = anAccountNumber()
const phone = aShippingAddress().phone
const { pw } = paystackWorldForSuite()
beforeAll(async () => {
  const paid = await aPaidOrder(pw)
  orderId = paid.order.id
  groupId = paid.order.orderGroupId
  storeId = (await aSellerWithPayoutAccount(pw.world, accountNumber)).store.id
})

/** The stored address, read below the services (by fields that are plain strings). */
const raw = async (collection: 'orders' | 'order_groups', _id: string) => {
  const filter = collection === 'orders' ? { groupId } : { reference: `kg-${groupId}` }
  const doc = await pw.world.core.connection.collection(collection).findOne(filter)
  return doc!.shippingAddress as Record<string, string>
}
const keyIdOf = (value: string) => value.slice('enc1:'.length).split('.')[0]
/** The stored payout account number, sealed. */
const sealedAccountNumber = async () =>
  (await pw.world.core.connection.collection('payout_accounts').findOne({ storeId }))!
    .accountNumber as SealedValue

describe('buyers’ addresses at rest', () => {
  it('stores phone and street sealed, and shows them to people in clear', async () => {
    for (const [collection, id] of [
      ['orders', orderId],
      ['order_groups', groupId],
    ] as const) {
      const stored = await raw(collection, id)
      expect(stored.phone).toMatch(/^enc1:/)
      expect(stored.line1).toMatch(/^enc1:/)
      expect(JSON.stringify(stored)).not.toContain(phone)
      expect(stored.city).toBe(aShippingAddress().city)
    }
    const order = await pw.world.core.orders.get(adminCliCtx(), orderId)
    expect(order.shippingAddress).toMatchObject({ phone, line1: aShippingAddress().line1 })
  })
})

describe('kloset keys rotate', () => {
  it('counts under --dry-run and changes nothing', async () => {
    const before = await raw('orders', orderId)
    const sealedBefore = await sealedAccountNumber()
    const run = await runCommand(pw.world, KeysRotate, ['--dry-run', '--json'])
    expect(run.exitCode).toBe(0)
    const result = run.json!.result as KeysRotateResult
    expect(result.addresses.resealed).toBe(0)
    expect(result.payoutAccounts).toMatchObject({ checked: 1, resealed: 0 })
    expect(await raw('orders', orderId)).toEqual(before)
    expect(await sealedAccountNumber()).toEqual(sealedBefore)
  })

  it('re-encrypts every address under a new key, plain legacy ones included, and they still read', async () => {
    const oldKey = pw.world.config.payouts.encryptionKey
    const newKey = randomBytes(32).toString('base64')
    const oldKeyId = keyIdOf((await raw('orders', orderId)).phone!)
    // An address written before encryption existed.
    await pw.world.core.connection
      .collection('order_groups')
      .updateOne({ reference: `kg-${groupId}` }, { $set: { 'shippingAddress.phone': phone } })

    process.env.PAYOUT_ENCRYPTION_KEY = newKey
    process.env.PAYOUT_ENCRYPTION_PREVIOUS_KEYS = oldKey
    let run: Awaited<ReturnType<typeof runCommand>>
    let again: Awaited<ReturnType<typeof runCommand>>
    try {
      run = await runCommand(pw.world, KeysRotate, ['--batch-size', '1', '--json'])
      // A second pass under the same keys finds nothing left to do.
      again = await runCommand(pw.world, KeysRotate, ['--json'])
    } finally {
      delete process.env.PAYOUT_ENCRYPTION_KEY
      delete process.env.PAYOUT_ENCRYPTION_PREVIOUS_KEYS
    }
    expect(run.json).toMatchObject({ status: 'ok' })
    expect(run.exitCode).toBe(0)
    const report = (run.json!.result as KeysRotateResult).addresses
    expect(report.resealed).toBeGreaterThanOrEqual(2)
    expect(report.keyId).not.toBe(oldKeyId)
    for (const [collection, id] of [
      ['orders', orderId],
      ['order_groups', groupId],
    ] as const) {
      const stored = await raw(collection, id)
      expect(keyIdOf(stored.phone!)).toBe(report.keyId)
      expect(keyIdOf(stored.line1!)).toBe(report.keyId)
    }
    const order = await pw.world.core.orders.get(adminCliCtx(), orderId)
    expect(order.shippingAddress.phone).toBe(phone)
    expect((again.json!.result as KeysRotateResult).addresses.resealed).toBe(0)
    // The payout account number, sealed with the same key ring, moved to the new key and
    // opens with it alone; the second pass left it.
    const accounts = (run.json!.result as KeysRotateResult).payoutAccounts
    expect(accounts).toMatchObject({ checked: 1, resealed: 1, skipped: 0, keyId: report.keyId })
    const sealed = await sealedAccountNumber()
    expect(sealed.keyId).toBe(report.keyId)
    expect(new AccountNumberCipher(newKey).open(sealed, storeId)).toBe(accountNumber)
    expect((again.json!.result as KeysRotateResult).payoutAccounts.resealed).toBe(0)
  })
})
