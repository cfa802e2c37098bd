import { describe, expect, it } from '@jest/globals'
import { aSignedUpSeller } from '../test-support/catalog-builders.js'
import { A_PASSWORD, adminCliCtx, userCtx } from '../test-support/harness.js'
import { anAccountNumber, aReleasedSale } from '../test-support/payout-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'
import type { PayoutRunResult } from './payout.types.js'

const { world } = paystackWorldForSuite({ topUp: 10_000_000_000 })

async function aSeller() {
  const made = await aSignedUpSeller(world)
  // A context that follows the world's clock, for tests that move it.
  const seller = () => userCtx(made.userId, 'seller', world.clock.now())
  return { seller, store: made.store, email: made.email }
}

const rawAccountOf = (storeId: string) =>
  world.core.connection.collection('payout_accounts').findOne({ storeId })

const itemFor = (run: PayoutRunResult, storeId: string) =>
  run.items.find((item) => item.storeId === storeId)

describe('setting a payout account', () => {
  it('keeps no plaintext account number in the database and shows the last four digits', async () => {
    const { seller, store } = await aSeller()
    const accountNumber = anAccountNumber()
    const account = await world.core.payoutAccounts.setOwn(seller(), {
      bankCode: '058',
      accountNumber,
      password: A_PASSWORD,
    })
    expect(account).toMatchObject({
      bankName: 'Guaranty Trust Bank',
      accountNumberLast4: accountNumber.slice(-4),
    })
    expect(JSON.stringify(account)).not.toContain(accountNumber)
    const raw = await rawAccountOf(store.id)
    expect(raw?.accountNumber).toMatchObject({ keyId: expect.any(String), iv: expect.any(String) })
    expect(JSON.stringify(raw)).not.toContain(accountNumber)
  })

  it('refuses a wrong password and stores nothing', async () => {
    const { seller, store } = await aSeller()
    await expect(
      world.core.payoutAccounts.setOwn(seller(), {
        bankCode: '058',
        accountNumber: anAccountNumber(),
        password: 'not the password at all',
      }),
    ).rejects.toMatchObject({ code: 'invalid_password' })
    expect(await rawAccountOf(store.id)).toBeNull()
  })

  it('refuses an account the bank cannot resolve', async () => {
    const { seller } = await aSeller()
    await expect(
      world.core.payoutAccounts.setOwn(seller(), {
        bankCode: '058',
        accountNumber: '3333333333',
        password: A_PASSWORD,
      }),
    ).rejects.toMatchObject({ code: 'account_unresolvable' })
  })

  it('holds the next payout for 48 hours after a change and emails the seller', async () => {
    const { seller, email } = await aSeller()
    await world.core.payoutAccounts.setOwn(seller(), {
      bankCode: '058',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    const changed = await world.core.payoutAccounts.setOwn(seller(), {
      bankCode: '044',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    expect(changed.payoutsHeldUntil).toBe(
      new Date(world.clock.now().getTime() + 48 * 3600 * 1000).toISOString(),
    )
    await world.smtp.waitFor(email, /payout account was changed/)
  })

  it('does not hold payouts when the same account is saved again', async () => {
    const { seller } = await aSeller()
    const input = { bankCode: '058', accountNumber: anAccountNumber(), password: A_PASSWORD }
    await world.core.payoutAccounts.setOwn(seller(), input)
    const again = await world.core.payoutAccounts.setOwn(seller(), input)
    expect(again.payoutsHeldUntil).toBeUndefined()
  })

  it('answers not found to a seller who has not set one', async () => {
    const { seller } = await aSeller()
    await expect(world.core.payoutAccounts.getOwn(seller())).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('lists banks from Paystack with their codes', async () => {
    const { seller } = await aSeller()
    const banks = await world.core.payoutAccounts.banks(seller())
    expect(banks).toContainEqual(
      expect.objectContaining({ code: '058', name: 'Guaranty Trust Bank' }),
    )
  })
})

describe('a held payout account in a payout run', () => {
  it('skips the store while the hold lasts and pays it once the hold is over', async () => {
    const { seller, store } = await aSeller()
    await world.core.payoutAccounts.setOwn(seller(), {
      bankCode: '058',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    await world.core.payoutAccounts.setOwn(seller(), {
      bankCode: '058',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    await aReleasedSale(world, store.id, 500_000)
    const held = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
    expect(itemFor(held, store.id)).toMatchObject({ outcome: 'skipped' })
    expect(itemFor(held, store.id)?.reason).toMatch(/^held_until /)

    world.clock.advance(49 * 3600 * 1000)
    const later = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
    expect(itemFor(later, store.id)).toMatchObject({ amount: 500_000 })
    expect(itemFor(later, store.id)?.outcome).toMatch(/^(sent|paid)$/)
  })
})
