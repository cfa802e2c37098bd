import type { UsersService } from '../accounts/users.service.js'
import type { PublicCatalogService } from '../catalog/public-catalog.service.js'
import type { CheckoutService } from '../orders/checkout.service.js'
import type { OrderRecords } from '../orders/order.records.js'
import { isUnpaidGroup } from '../orders/order-group.transitions.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { RefundsService } from '../orders/refunds.service.js'
import type { PaymentEventsService } from '../payments/payment-events.service.js'
import { AccountNumberCipher } from '../payouts/account-number.cipher.js'
import type { PayoutAccountsService } from '../payouts/payout-accounts.service.js'
import { makeCtx, systemCtx } from '../shared/ctx.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { FraudService } from './fraud.service.js'
import { FraudSignals, payoutAccountHash, payoutAccountHashKey } from './fraud.signals.js'

/**
 * Trust and safety (docs/trust-and-safety.md): checkout and orders reach it through their
 * `FraudPort` (closures in createCore); it reaches money through the existing services.
 * size: a feature factory reads as one list of its services and subscribers, in build order.
 */
export function wireFraud(
  p: Platform,
  deps: {
    orders: OrdersService
    orderRecords: OrderRecords
    checkout: CheckoutService
    refunds: RefundsService
    users: UsersService
    stores: StoresService
    payoutAccounts: PayoutAccountsService
    catalog: PublicCatalogService
    payments: PaymentEventsService
  },
): Wired<{ fraud: FraudService }> {
  const { config, clock } = p
  const { orders, refunds, users, stores, catalog } = deps
  const payoutHashKey = payoutAccountHashKey(config.payouts.encryptionKey)
  const payoutCipher = new AccountNumberCipher(
    config.payouts.encryptionKey,
    config.payouts.previousEncryptionKeys,
  )
  const fraudCtx = () => systemCtx('fraud', clock.now())
  const fraud = new FraudService({
    models: p.models.fraud,
    signals: new FraudSignals(p.kv),
    audit: p.audit,
    events: p.events,
    clock,
    logger: p.logger,
    money: {
      order: (ctx, orderId) => orders.get(ctx, orderId),
      refundOrder: async (ctx, orderId, reason, key) => {
        await refunds.refund(ctx, orderId, { reason }, key)
      },
      cancelUnpaidGroup: async (ctx, orderGroupId, reason) => {
        const group = await deps.orderRecords.groups.findById(orderGroupId).lean()
        if (!group || !isUnpaidGroup(group.status)) return false
        return deps.checkout.cancelGroup(ctx, orderGroupId, group.status, reason)
      },
      releaseHeldFunds: (ctx, orderId) => orders.releaseHeldFunds(ctx, orderId),
      suspendUser: async (ctx, userId, reason) => {
        await users.suspend(ctx, userId, { reason })
      },
    },
    buyerAccount: (buyerId) => users.get(fraudCtx(), buyerId),
    ownStoreOf: (buyerId) =>
      stores
        .requireOwnStore(makeCtx({ kind: 'user', id: buyerId, role: 'seller' }, clock.now()))
        .then((store) => store.id)
        .catch(() => undefined),
    payoutAccountHashOf: async (storeId) => {
      const account = await deps.payoutAccounts.forStore(storeId)
      if (!account) return undefined
      const number = payoutCipher.open(account.accountNumber, storeId)
      return payoutAccountHash(payoutHashKey, account.bankCode, number)
    },
    productPrices: async (productId) => {
      const { body } = await catalog.getProduct(fraudCtx(), productId)
      const { product } = JSON.parse(body) as {
        product: { category: string; variants?: { price: number }[] }
      }
      return { category: product.category, prices: (product.variants ?? []).map((v) => v.price) }
    },
    cardOf: (reference) => deps.payments.cardSignatureOf(reference),
  })
  return { services: { fraud }, subscribe: (bus) => fraud.subscribe(bus) }
}
