import { SIGNAL_NAMES, type Signals } from './fraud.types.js'
import type { LabelledSample } from './risk-model.js'

/**
 * The fraud patterns the generator plants (docs/trust-and-safety.md, "Synthetic traffic").
 * Each fraudulent checkout follows one, and shows each of its tells only with some probability,
 * so no single rule catches a pattern whole.
 */
export const FRAUD_PATTERNS = [
  'card_testing',
  'self_purchase',
  'payout_collusion',
  'new_account_takeover',
  'refund_abuse',
  'chat_diversion',
  'triangulation',
] as const
export type FraudPattern = (typeof FRAUD_PATTERNS)[number]

export interface SyntheticTrafficOptions {
  seed: number
  days: number
  /** Checkouts per day (default 400). */
  perDay?: number
  /** Share of fraudulent checkouts (default 0.025). */
  fraudRate?: number
  /** The first day (default 2026-01-01 UTC). */
  start?: Date
}

export interface SyntheticSample extends LabelledSample {
  pattern?: FraudPattern
}

/** mulberry32: a small seeded generator, so the same seed gives the same traffic everywhere. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Draw {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }
  /** Log-normal around a median, `spread` the sigma of the log. */
  logNormal(median: number, spread: number): number {
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    return median * Math.exp(spread * normal)
  }
  poisson(mean: number): number {
    const limit = Math.exp(-mean)
    let k = 0
    let p = 1
    do {
      k++
      p *= this.next()
    } while (p > limit)
    return k - 1
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
}

/** A legitimate checkout, with the ordinary noise that sometimes looks like a tell. */
function legitimate(d: Draw): Signals {
  const past = d.poisson(4)
  const buyerOrdersHour = 1 + (d.chance(0.05) ? d.int(1, 2) : 0)
  const accountAgeDays = d.chance(0.1) ? d.exp(3) : d.exp(240)
  const orderValue = d.logNormal(25_000, 0.9)
  return finish({
    buyerOrdersHour,
    buyerOrdersDay: buyerOrdersHour + (d.chance(0.15) ? d.int(1, 3) : 0),
    ipOrdersHour: buyerOrdersHour + (d.chance(0.05) ? d.int(1, 3) : 0),
    ipOrdersDay: buyerOrdersHour + (d.chance(0.2) ? d.int(1, 8) : 0),
    cardOrdersDay: d.chance(0.7) ? d.int(1, 2) : 0,
    buyerFailedPaymentsDay: d.chance(0.08) ? d.int(1, 2) : 0,
    ipFailedPaymentsDay: d.chance(0.1) ? d.int(1, 3) : 0,
    cardFailedPaymentsDay: d.chance(0.05) ? 1 : 0,
    accountAgeDays,
    orderValue,
    sharedIpWithSeller: d.chance(0.01) ? 1 : 0,
    sharedDeviceWithSeller: d.chance(0.002) ? 1 : 0,
    sharedPayoutAccount: 0,
    payoutAccountStores: d.chance(0.03) ? 2 : 1,
    buyerPastOrders: past,
    buyerRefundRate:
      past > 0 && d.chance(0.15) ? d.int(1, Math.max(1, Math.ceil(past / 3))) / past : 0,
    buyerDisputeRate: past > 0 && d.chance(0.03) ? 1 / past : 0,
    storeAgeDays: d.chance(0.1) ? d.exp(10) : d.exp(400),
    newStoreHighValue: 0,
    priceDeviation: Math.abs(d.logNormal(1, 0.4) - 1),
    chatFlags: d.chance(0.005) ? 1 : 0,
    blockedIp: 0,
  })
}

/** A fraudulent checkout of one pattern: a legitimate-looking base with some of its tells. */
function fraudulent(d: Draw, pattern: FraudPattern): Signals {
  const s = legitimate(d)
  const tell = (p = 0.85) => d.chance(p)
  // Weak tells every pattern shares more often than honest buyers: younger accounts, dearer
  // baskets, busier addresses. No rule threshold catches them; together they add up.
  if (d.chance(0.6)) s.accountAgeDays = d.exp(12)
  if (d.chance(0.5)) s.orderValue *= 1 + d.next() * 2
  if (d.chance(0.4)) s.ipOrdersDay += d.int(1, 4)
  if (d.chance(0.3)) s.buyerFailedPaymentsDay += 1
  switch (pattern) {
    case 'card_testing':
      if (tell()) s.buyerOrdersHour = d.int(2, 8)
      s.buyerOrdersDay = s.buyerOrdersHour + d.int(0, 6)
      if (tell()) s.ipOrdersDay = d.int(4, 25)
      if (tell()) s.cardOrdersDay = d.int(3, 12)
      if (tell()) s.buyerFailedPaymentsDay = d.int(1, 6)
      if (tell(0.65)) s.cardFailedPaymentsDay = d.int(1, 5)
      if (tell(0.65)) s.accountAgeDays = d.exp(2)
      break
    case 'self_purchase':
      if (tell(0.85)) s.sharedIpWithSeller = 1
      if (tell(0.55)) s.sharedDeviceWithSeller = 1
      if (tell(0.85)) s.storeAgeDays = d.exp(8)
      if (tell(0.65)) s.priceDeviation = d.logNormal(2, 0.5)
      break
    case 'payout_collusion':
      if (tell(0.65)) s.sharedPayoutAccount = 1
      if (tell(0.85)) s.payoutAccountStores = d.int(2, 6)
      if (tell(0.65)) s.storeAgeDays = d.exp(10)
      break
    case 'new_account_takeover':
      if (tell(0.85)) s.accountAgeDays = d.exp(1.5)
      if (tell(0.85)) s.orderValue = d.logNormal(180_000, 0.6)
      if (tell(0.55)) s.ipOrdersHour = d.int(2, 5)
      break
    case 'refund_abuse':
      s.buyerPastOrders = d.int(3, 15)
      if (tell(0.85)) s.buyerRefundRate = d.int(30, 90) / 100
      if (tell(0.65)) s.buyerDisputeRate = d.int(15, 50) / 100
      break
    case 'chat_diversion':
      if (tell(0.85)) s.chatFlags = d.int(1, 4)
      if (tell(0.55)) s.accountAgeDays = d.exp(5)
      break
    case 'triangulation':
      if (tell(0.85)) s.storeAgeDays = d.exp(6)
      if (tell(0.85)) s.orderValue = d.logNormal(150_000, 0.5)
      if (tell(0.85)) s.priceDeviation = d.logNormal(2.5, 0.5)
      break
  }
  return finish(s)
}

/** The derived signals, from the ones drawn. */
function finish(s: Omit<Signals, 'valueToAccountAge'> & Partial<Signals>): Signals {
  const signals = { ...s } as Signals
  signals.valueToAccountAge = signals.orderValue / Math.max(1, signals.accountAgeDays)
  signals.newStoreHighValue = signals.storeAgeDays < 14 && signals.orderValue >= 100_000 ? 1 : 0
  for (const name of SIGNAL_NAMES) signals[name] = Math.round(signals[name] * 1000) / 1000
  return signals
}

/**
 * Seeded synthetic labelled marketplace traffic: `days` days of `perDay` checkouts each, a share
 * `fraudRate` of them fraud following one of {@link FRAUD_PATTERNS}. The same options give the
 * same samples, so training and evaluation run offline and in tests.
 */
export function syntheticTraffic(options: SyntheticTrafficOptions): SyntheticSample[] {
  const d = new Draw(seeded(options.seed))
  const perDay = options.perDay ?? 400
  const fraudRate = options.fraudRate ?? 0.025
  const start = (options.start ?? new Date('2026-01-01T00:00:00Z')).getTime()
  const samples: SyntheticSample[] = []
  for (let day = 0; day < options.days; day++) {
    for (let i = 0; i < perDay; i++) {
      const at = new Date(start + day * 86_400_000 + Math.floor((i / perDay) * 86_400_000))
      if (d.chance(fraudRate)) {
        const pattern = d.pick(FRAUD_PATTERNS)
        samples.push({ signals: fraudulent(d, pattern), fraud: true, at, pattern })
      } else {
        samples.push({ signals: legitimate(d), fraud: false, at })
      }
    }
  }
  return samples
}
