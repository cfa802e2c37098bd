import type { CheckoutScreening } from '../orders/fraud.port.js'
import type { BuyerHistory, FraudSignals } from './fraud.signals.js'
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

type Where = { ip?: string; now: Date }
type PayoutAccount = Awaited<ReturnType<FraudSignals['payoutAccountOf']>>

/**
 * Counts this checkout in the velocity counters and reads every signal (fraud.types.ts
 * `SIGNAL_NAMES`) for it. Reads run in parallel: a checkout waits for one round of key-value
 * reads, not one per signal.
 */
export async function collectSignals(
  deps: CollectDeps,
  screening: CheckoutScreening,
  where: Where,
): Promise<Signals> {
  const { signals } = deps
  const { buyerId } = screening
  await countCheckout(signals, screening, where)
  const [card, account] = await Promise.all([signals.cardOf(buyerId), deps.buyerAccount(buyerId)])
  const [velocity, links, record] = await Promise.all([
    readVelocity(signals, buyerId, card, where),
    readLinks(deps, screening, where.ip, account.role),
    readRecord(deps, screening, where),
  ])
  const own = links.ownStore ? await signals.payoutAccountOf(links.ownStore) : { stores: [] }
  return {
    ...velocity,
    ...valueSignals(screening.total, account.createdAt, where.now),
    ...sellerLinkSignals(screening, links, own),
    ...historySignals(record.history),
    ...storeSignals(screening, where.now),
    priceDeviation: record.deviation,
    chatFlags: record.chatFlags,
    blockedIp: record.blocked ? 1 : 0,
  }
}

/** This checkout, counted for the buyer and the address, and the links it shows. */
async function countCheckout(signals: FraudSignals, screening: CheckoutScreening, where: Where) {
  const { now, ip } = where
  const { buyerId, deviceId } = screening
  await Promise.all([
    signals.count('orders', 'buyer', buyerId, now),
    ip ? signals.count('orders', 'ip', ip, now) : undefined,
    signals.sawUser(buyerId, { ...(ip ? { ip } : {}), ...(deviceId ? { deviceId } : {}) }),
  ])
}

/** The velocity counters: checkouts and failed payments per buyer, address and card. */
async function readVelocity(
  signals: FraudSignals,
  buyerId: string,
  card: string | undefined,
  { ip, now }: Where,
) {
  const [
    buyerOrdersHour,
    buyerOrdersDay,
    ipOrdersHour,
    ipOrdersDay,
    cardOrdersDay,
    buyerFailedPaymentsDay,
    ipFailedPaymentsDay,
    cardFailedPaymentsDay,
  ] = await Promise.all([
    signals.read('orders', 'buyer', buyerId, 'hour', now),
    signals.read('orders', 'buyer', buyerId, 'day', now),
    signals.read('orders', 'ip', ip, 'hour', now),
    signals.read('orders', 'ip', ip, 'day', now),
    signals.read('orders', 'card', card, 'day', now),
    signals.read('failed', 'buyer', buyerId, 'day', now),
    signals.read('failed', 'ip', ip, 'day', now),
    signals.read('failed', 'card', card, 'day', now),
  ])
  return {
    buyerOrdersHour,
    buyerOrdersDay,
    ipOrdersHour,
    ipOrdersDay,
    cardOrdersDay,
    buyerFailedPaymentsDay,
    ipFailedPaymentsDay,
    cardFailedPaymentsDay,
  }
}

/** Who else used the address and the device, the stores' payout accounts, the buyer's store. */
async function readLinks(
  deps: CollectDeps,
  screening: CheckoutScreening,
  ip: string | undefined,
  role: string,
) {
  const { signals } = deps
  const { buyerId, deviceId } = screening
  const [usersOnIp, usersOnDevice, payout, ownStore] = await Promise.all([
    signals.usersOn('ip', ip),
    signals.usersOn('dev', deviceId),
    Promise.all(screening.orders.map((o) => signals.payoutAccountOf(o.storeId))),
    role === 'seller' ? deps.ownStoreOf(buyerId) : Promise.resolve(undefined),
  ])
  return { usersOnIp, usersOnDevice, payout, ownStore }
}

/** The buyer's record: history, chat flags with these stores, a block on the address, prices. */
async function readRecord(deps: CollectDeps, screening: CheckoutScreening, { ip, now }: Where) {
  const { signals } = deps
  const storeIds = screening.orders.map((o) => o.storeId)
  const [history, chatFlags, blocked, deviation] = await Promise.all([
    signals.history(screening.buyerId),
    signals.chatFlags(screening.buyerId, storeIds),
    ip ? deps.ipBlocked(ip, now) : Promise.resolve(false),
    priceDeviation(signals, screening),
  ])
  return { history, chatFlags, blocked, deviation }
}

function valueSignals(totalKobo: number, accountCreatedAt: string, now: Date) {
  const accountAgeDays = Math.max(0, (now.getTime() - Date.parse(accountCreatedAt)) / DAY_MS)
  const orderValue = totalKobo / 100
  return {
    accountAgeDays: round(accountAgeDays),
    orderValue,
    valueToAccountAge: round(orderValue / Math.max(1, accountAgeDays)),
  }
}

/** Self-dealing: the buyer shares an address, a device or a payout account with a seller. */
function sellerLinkSignals(
  screening: CheckoutScreening,
  links: Awaited<ReturnType<typeof readLinks>>,
  own: PayoutAccount,
) {
  const { buyerId } = screening
  const owners = new Set(screening.orders.map((o) => o.storeOwnerId))
  const { usersOnIp, usersOnDevice, payout } = links
  return {
    sharedIpWithSeller: usersOnIp.some((u) => u !== buyerId && owners.has(u)) ? 1 : 0,
    sharedDeviceWithSeller: usersOnDevice.some((u) => u !== buyerId && owners.has(u)) ? 1 : 0,
    sharedPayoutAccount: own.hash && payout.some((p) => p.hash === own.hash) ? 1 : 0,
    payoutAccountStores: Math.max(0, ...payout.map((p) => p.stores.length)),
  }
}

function historySignals(history: BuyerHistory) {
  const paid = Math.max(1, history.paid)
  return {
    buyerPastOrders: history.paid,
    buyerRefundRate: round(Math.min(1, history.refunded / paid)),
    buyerDisputeRate: round(Math.min(1, history.disputed / paid)),
  }
}

/** The youngest store of the checkout, and whether a young store sells a dear item. */
function storeSignals(screening: CheckoutScreening, now: Date) {
  const storeAges = screening.orders.map(
    (o) => (now.getTime() - Date.parse(o.storeCreatedAt)) / DAY_MS,
  )
  const newStoreHighValue = screening.orders.some(
    (o, i) =>
      (storeAges[i] ?? Infinity) < NEW_STORE_DAYS &&
      o.lines.some((l) => l.unitPrice >= HIGH_VALUE_KOBO),
  )
  return {
    storeAgeDays: round(Math.max(0, Math.min(...storeAges))),
    newStoreHighValue: newStoreHighValue ? 1 : 0,
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
