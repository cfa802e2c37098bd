import type { CheckoutScreening } from '../orders/fraud.port.js'
import type { FraudSignals } from './fraud.signals.js'
import type { Signals } from './fraud.types.js'

const DAY_MS = 86_400_000
/** A store this young selling an item this dear is `newStoreHighValue`. */
export const NEW_STORE_DAYS = 14
export const HIGH_VALUE_KOBO = 100_000_00

export interface CollectDeps {
  signals: FraudSignals
  /** The buyer's own store, when the buyer is a seller (self-dealing through payout accounts). */
  ownStoreOf(buyerId: string): Promise<string | undefined>
  /** When the buyer's account was created, and its role. */
  buyerAccount(buyerId: string): Promise<{ createdAt: string; role: string }>
  /** True while an administrator's block on the address lasts. */
  ipBlocked(ip: string, now: Date): Promise<boolean>
}

/**
 * Counts this checkout in the velocity counters and reads every signal (fraud.types.ts
 * `SIGNAL_NAMES`) for it. Reads run in parallel: a checkout waits for one round of key-value
 * reads, not one per signal.
 */
export async function collectSignals(
  deps: CollectDeps,
  screening: CheckoutScreening,
  where: { ip?: string; now: Date },
): Promise<Signals> {
  const { signals } = deps
  const { now, ip } = where
  const { buyerId, deviceId } = screening
  await Promise.all([
    signals.count('orders', 'buyer', buyerId, now),
    ip ? signals.count('orders', 'ip', ip, now) : undefined,
    signals.sawUser(buyerId, { ...(ip ? { ip } : {}), ...(deviceId ? { deviceId } : {}) }),
  ])
  const storeIds = screening.orders.map((o) => o.storeId)
  const owners = new Set(screening.orders.map((o) => o.storeOwnerId))
  const [card, account] = await Promise.all([signals.cardOf(buyerId), deps.buyerAccount(buyerId)])
  const [
    buyerOrdersHour,
    buyerOrdersDay,
    ipOrdersHour,
    ipOrdersDay,
    cardOrdersDay,
    buyerFailedPaymentsDay,
    ipFailedPaymentsDay,
    cardFailedPaymentsDay,
    usersOnIp,
    usersOnDevice,
    payout,
    ownStore,
    history,
    chatFlags,
    blocked,
    deviation,
  ] = await Promise.all([
    signals.read('orders', 'buyer', buyerId, 'hour', now),
    signals.read('orders', 'buyer', buyerId, 'day', now),
    signals.read('orders', 'ip', ip, 'hour', now),
    signals.read('orders', 'ip', ip, 'day', now),
    signals.read('orders', 'card', card, 'day', now),
    signals.read('failed', 'buyer', buyerId, 'day', now),
    signals.read('failed', 'ip', ip, 'day', now),
    signals.read('failed', 'card', card, 'day', now),
    signals.usersOn('ip', ip),
    signals.usersOn('dev', deviceId),
    Promise.all(storeIds.map((s) => signals.payoutAccountOf(s))),
    account.role === 'seller' ? deps.ownStoreOf(buyerId) : Promise.resolve(undefined),
    signals.history(buyerId),
    signals.chatFlags(buyerId, storeIds),
    ip ? deps.ipBlocked(ip, now) : Promise.resolve(false),
    priceDeviation(signals, screening),
  ])
  const own = ownStore ? await signals.payoutAccountOf(ownStore) : { stores: [] }
  const accountAgeDays = Math.max(0, (now.getTime() - Date.parse(account.createdAt)) / DAY_MS)
  const orderValue = screening.total / 100
  const storeAges = screening.orders.map(
    (o) => (now.getTime() - Date.parse(o.storeCreatedAt)) / DAY_MS,
  )
  const storeAgeDays = Math.max(0, Math.min(...storeAges))
  const newStoreHighValue = screening.orders.some(
    (o, i) =>
      (storeAges[i] ?? Infinity) < NEW_STORE_DAYS &&
      o.lines.some((l) => l.unitPrice >= HIGH_VALUE_KOBO),
  )
  const paid = Math.max(1, history.paid)
  return {
    buyerOrdersHour,
    buyerOrdersDay,
    ipOrdersHour,
    ipOrdersDay,
    cardOrdersDay,
    buyerFailedPaymentsDay,
    ipFailedPaymentsDay,
    cardFailedPaymentsDay,
    accountAgeDays: round(accountAgeDays),
    orderValue,
    valueToAccountAge: round(orderValue / Math.max(1, accountAgeDays)),
    sharedIpWithSeller: usersOnIp.some((u) => u !== buyerId && owners.has(u)) ? 1 : 0,
    sharedDeviceWithSeller: usersOnDevice.some((u) => u !== buyerId && owners.has(u)) ? 1 : 0,
    sharedPayoutAccount: own.hash && payout.some((p) => p.hash === own.hash) ? 1 : 0,
    payoutAccountStores: Math.max(0, ...payout.map((p) => p.stores.length)),
    buyerPastOrders: history.paid,
    buyerRefundRate: round(Math.min(1, history.refunded / paid)),
    buyerDisputeRate: round(Math.min(1, history.disputed / paid)),
    storeAgeDays: round(storeAgeDays),
    newStoreHighValue: newStoreHighValue ? 1 : 0,
    priceDeviation: deviation,
    chatFlags,
    blockedIp: blocked ? 1 : 0,
  }
}

async function priceDeviation(signals: FraudSignals, screening: CheckoutScreening) {
  const lines = screening.orders.flatMap((o) => o.lines)
  const medians = await Promise.all(lines.map((l) => signals.categoryMedian(l.productId)))
  let worst = 0
  lines.forEach((line, i) => {
    const median = medians[i]
    if (!median) return
    worst = Math.max(worst, Math.abs(line.unitPrice / median - 1))
  })
  return round(worst)
}

const round = (n: number) => Math.round(n * 1000) / 1000
