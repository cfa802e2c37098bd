import { createHmac, hkdfSync } from 'node:crypto'
import type { KeyValueStore } from '../adapters/kv.js'
import { decodeKey256 } from '../shared/config.js'

const HOUR = 3600
const DAY = 24 * HOUR
/** How long links (address -> users, account -> stores) and buyer history are kept. */
const LINK_TTL = 30 * DAY
const HISTORY_TTL = 90 * DAY
const PAYOUT_LINK_TTL = 365 * DAY
const CHAT_WINDOW = 7 * DAY
/** Users remembered per address or device; stores per payout account; prices per category. */
const MAX_LINKED = 50
const MAX_PRICES = 101

export type CounterSubject = 'buyer' | 'ip' | 'card'
export type CounterKind = 'orders' | 'failed'
export type Period = 'hour' | 'day'

/** What a buyer did over the history window: the base of the refund and dispute rates. */
export interface BuyerHistory {
  paid: number
  refunded: number
  disputed: number
}

/**
 * The fraud signals' memory: counters with expiry and small link sets, in the key-value store
 * (Redis when `REDIS_URL` is set, shared by every instance; in-process otherwise, like the rate
 * limiter). Counters are calendar windows (the hour or the day of `now`, UTC) so that a read
 * and a write agree on the bucket without a clock of their own. Link sets are atomic set adds
 * (Redis sorted sets, SADD-like), so concurrent checkouts never drop each other's links.
 * Counters fed by events take the event id: a retried subscriber counts each event once (a
 * SET NX on the id, living as long as the counter, in the same atomic step as the count).
 */
export class FraudSignals {
  constructor(private kv: KeyValueStore) {}

  private bucket(period: Period, now: Date): string {
    const size = period === 'hour' ? HOUR : DAY
    return `${period[0]}${Math.floor(now.getTime() / 1000 / size)}`
  }

  private counterKey(
    kind: CounterKind,
    subject: CounterSubject,
    id: string,
    period: Period,
    now: Date,
  ) {
    return `fraud:c:${kind}:${subject}:${id}:${this.bucket(period, now)}`
  }

  /**
   * Counts one event for the subject in the hour and the day of `now`; with `eventId`, only
   * the first time that event is counted there (a retried subscriber counts once).
   */
  async count(
    kind: CounterKind,
    subject: CounterSubject,
    id: string,
    now: Date,
    eventId?: string,
  ): Promise<void> {
    await Promise.all(
      (['hour', 'day'] as const).map((period) =>
        this.hit(
          this.counterKey(kind, subject, id, period, now),
          period === 'hour' ? HOUR : DAY,
          eventId,
        ),
      ),
    )
  }

  private async hit(key: string, ttl: number, eventId: string | undefined): Promise<void> {
    if (eventId) await this.kv.hitOnce(key, ttl, `fraud:once:${eventId}:${key}`)
    else await this.kv.hit(key, ttl)
  }

  async read(
    kind: CounterKind,
    subject: CounterSubject,
    id: string | undefined,
    period: Period,
    now: Date,
  ): Promise<number> {
    if (!id) return 0
    return Number((await this.kv.get(this.counterKey(kind, subject, id, period, now))) ?? 0)
  }

  async members(key: string): Promise<string[]> {
    const raw = await this.kv.get(key)
    return raw ? (JSON.parse(raw) as string[]) : []
  }

  // Link sets live under `fraud:ls:` (sets); `fraud:l:` held the JSON arrays of before.

  /** Remembers that the user acted from this address (sign-in, checkout) and device. */
  async sawUser(userId: string, where: { ip?: string; deviceId?: string }): Promise<void> {
    await Promise.all([
      where.ip ? this.kv.addToSet(`fraud:ls:ip:${where.ip}`, userId, LINK_TTL, MAX_LINKED) : null,
      where.deviceId
        ? this.kv.addToSet(`fraud:ls:dev:${where.deviceId}`, userId, LINK_TTL, MAX_LINKED)
        : null,
    ])
  }

  /** The users seen on the address / device. */
  usersOn(via: 'ip' | 'dev', value: string | undefined): Promise<string[]> {
    return value ? this.kv.setMembers(`fraud:ls:${via}:${value}`) : Promise.resolve([])
  }

  /** Records a store's payout account by its keyed hash; returns the stores on that account. */
  async linkPayoutAccount(storeId: string, accountHash: string): Promise<string[]> {
    const previous = await this.kv.get(`fraud:pay:${storeId}`)
    if (previous && previous !== accountHash) {
      await this.kv.removeFromSet(`fraud:ls:pay:${previous}`, storeId)
    }
    await this.kv.set(`fraud:pay:${storeId}`, accountHash, PAYOUT_LINK_TTL)
    await this.kv.addToSet(`fraud:ls:pay:${accountHash}`, storeId, PAYOUT_LINK_TTL, MAX_LINKED)
    return this.kv.setMembers(`fraud:ls:pay:${accountHash}`)
  }

  /** The keyed hash of the store's payout account, and the stores paid into it. */
  async payoutAccountOf(storeId: string): Promise<{ hash?: string; stores: string[] }> {
    const hash = await this.kv.get(`fraud:pay:${storeId}`)
    return hash
      ? { hash, stores: await this.kv.setMembers(`fraud:ls:pay:${hash}`) }
      : { stores: [] }
  }

  /** True the first time `key` is seen (within a day): counts one thing once. */
  firstOf(key: string): Promise<boolean> {
    return this.kv.setIfAbsent(`fraud:once:${key}`, '1', DAY)
  }

  /** The card (Paystack authorization signature) the buyer last paid with. */
  async rememberCard(buyerId: string, signature: string): Promise<void> {
    await this.kv.set(`fraud:card:${buyerId}`, signature, HISTORY_TTL)
  }

  cardOf(buyerId: string): Promise<string | undefined> {
    return this.kv.get(`fraud:card:${buyerId}`)
  }

  /**
   * Counts one paid order, refund or dispute of the buyer (90-day window from the first); with
   * `eventId`, once per event.
   */
  async addHistory(buyerId: string, what: keyof BuyerHistory, eventId?: string): Promise<void> {
    await this.hit(`fraud:h:${what}:${buyerId}`, HISTORY_TTL, eventId)
  }

  async history(buyerId: string): Promise<BuyerHistory> {
    const [paid, refunded, disputed] = await Promise.all(
      (['paid', 'refunded', 'disputed'] as const).map(async (what) =>
        Number((await this.kv.get(`fraud:h:${what}:${buyerId}`)) ?? 0),
      ),
    )
    return { paid: paid ?? 0, refunded: refunded ?? 0, disputed: disputed ?? 0 }
  }

  /** One chat message flagged for payment diversion, against the buyer and the store. */
  async chatFlagged(buyerId: string, storeId: string, eventId?: string): Promise<void> {
    await this.hit(`fraud:chat:user:${buyerId}`, CHAT_WINDOW, eventId)
    await this.hit(`fraud:chat:store:${storeId}`, CHAT_WINDOW, eventId)
  }

  async chatFlags(buyerId: string, storeIds: string[]): Promise<number> {
    const counts = await Promise.all(
      [`fraud:chat:user:${buyerId}`, ...storeIds.map((s) => `fraud:chat:store:${s}`)].map(
        async (key) => Number((await this.kv.get(key)) ?? 0),
      ),
    )
    return counts.reduce((a, b) => a + b, 0)
  }

  /** Notes an approved product's category and prices (the category medians). */
  async notePrices(productId: string, category: string, prices: number[]): Promise<void> {
    await this.kv.set(`fraud:pcat:${productId}`, category, PAYOUT_LINK_TTL)
    const key = `fraud:cat:${category}`
    const known = await this.members(key)
    await this.kv.set(
      key,
      JSON.stringify([...known, ...prices.map(String)].slice(-MAX_PRICES)),
      PAYOUT_LINK_TTL,
    )
  }

  /** The median price of the product's category, when its category has at least 5 prices. */
  async categoryMedian(productId: string): Promise<number | undefined> {
    const category = await this.kv.get(`fraud:pcat:${productId}`)
    if (!category) return undefined
    const prices = (await this.members(`fraud:cat:${category}`)).map(Number).sort((a, b) => a - b)
    if (prices.length < 5) return undefined
    return prices[Math.floor(prices.length / 2)]
  }
}

/**
 * The keyed hash of a bank account (HMAC-SHA256 under a key of the platform's), so that
 * stores can be compared by payout account while the number itself is never kept in the clear,
 * and a leaked hash cannot be brute-forced from the 10-digit NUBAN space without the key.
 */
export function payoutAccountHash(key: Buffer, bankCode: string, accountNumber: string): string {
  return createHmac('sha256', key)
    .update('kloset:fraud:payout-account:')
    .update(`${bankCode}:${accountNumber}`)
    .digest('hex')
}

/**
 * The HMAC key of payout-account hashes, derived (HKDF) from the payout encryption key so that
 * no new secret is needed and the hash key is never the encryption key itself.
 */
export function payoutAccountHashKey(encryptionKey: string): Buffer {
  const key = decodeKey256(encryptionKey)
  if (!key) throw new Error('A payout encryption key must be 32 bytes (64 hex digits or base64)')
  return Buffer.from(
    hkdfSync('sha256', key, Buffer.alloc(0), 'kloset:fraud:payout-account-hash', 32),
  )
}
