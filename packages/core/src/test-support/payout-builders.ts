import type { Ctx } from '../shared/ctx.js'
import type { StoreDTO } from '../stores/store.types.js'
import { aSignedUpSeller } from './catalog-builders.js'
import { A_PASSWORD, adminCliCtx, type TestWorld } from './harness.js'

let counter = 0

/** A ten-digit account number the Paystack sandbox resolves and pays successfully. */
export const anAccountNumber = (): string =>
  `5${String(Date.now() % 100_000_000).padStart(8, '0')}${counter++ % 10}`

/**
 * An approved store whose seller (a verified account) has set a payout account with bank 058.
 * It is the first set-up, so no payout hold applies.
 */
export async function aSellerWithPayoutAccount(
  world: TestWorld,
  accountNumber: string = anAccountNumber(),
): Promise<{ seller: Ctx; store: StoreDTO; email: string; token: string; userId: string }> {
  const made = await aSignedUpSeller(world)
  await world.core.payoutAccounts.setOwn(made.seller, {
    bankCode: '058',
    accountNumber,
    password: A_PASSWORD,
  })
  return made
}

/**
 * Books a paid sale of `gross` kobo for the store (commission `commissionRateBps`, none by
 * default), refunds `refund` kobo of it when asked, and releases the rest to available.
 * Returns the sale's order id.
 */
export async function aReleasedSale(
  world: TestWorld,
  storeId: string,
  gross: number,
  options: { commissionRateBps?: number; refund?: number } = {},
): Promise<string> {
  const { ledger } = world.core
  const admin = () => adminCliCtx(world.clock.now())
  const orderId = `sale-${Date.now().toString(36)}-${counter++}`
  await ledger.recordSale(admin(), {
    orderId,
    orderGroupId: `grp-${orderId}`,
    storeId,
    gross,
    commissionRateBps: options.commissionRateBps ?? 0,
    currency: 'NGN',
  })
  if (options.refund) {
    await ledger.recordRefund(admin(), {
      orderId,
      storeId,
      refundId: `rf-${orderId}`,
      amount: options.refund,
      currency: 'NGN',
      orderState: 'pending_funds',
    })
  }
  await ledger.releaseToAvailable(admin(), { orderId, storeId, currency: 'NGN' })
  return orderId
}
