import { op } from '../db/query.js'
import { AccountNumberCipher } from '../payouts/account-number.cipher.js'
import type { ShippingAddress } from './order.types.js'

/** The fields of a shipping address sealed at rest: what finds or reaches the buyer. */
export const SEALED_ADDRESS_FIELDS = ['phone', 'line1', 'line2', 'postalCode'] as const
type SealedField = (typeof SEALED_ADDRESS_FIELDS)[number]

/** A sealed field: `enc1:<key id>.<iv>.<tag>.<data>` (base64 parts), still a string in the schema. */
const PREFIX = 'enc1:'
/** Additional data: a sealed field opens only as a shipping address field of the same name. */
const context = (field: SealedField) => `kloset:shipping-address:${field}`

/**
 * Seals buyers' phone numbers and street addresses on orders and order groups with AES-256-GCM
 * (the payout account cipher: versioned keys named by id). Values written before sealing
 * existed are plain text and read as they are; `kloset keys rotate` seals them.
 *
 * One keyring per process: the DTO mappers that open addresses are plain functions, and every
 * core in a process (tests start several) adds its keys, the last configured sealing.
 */
class AddressKeyring {
  private ciphers = new Map<string, AccountNumberCipher>()
  private current: AccountNumberCipher | undefined

  configure(currentKey: string, previousKeys: readonly string[]): void {
    const cipher = new AccountNumberCipher(currentKey, previousKeys)
    this.current = cipher
    this.ciphers.set(cipher.currentKeyId, cipher)
    for (const key of previousKeys) {
      const old = new AccountNumberCipher(key)
      if (!this.ciphers.has(old.currentKeyId)) this.ciphers.set(old.currentKeyId, old)
    }
  }

  get currentKeyId(): string | undefined {
    return this.current?.currentKeyId
  }

  sealValue(value: string, field: SealedField): string {
    if (!this.current) return value
    const s = this.current.seal(value, context(field))
    return `${PREFIX}${s.keyId}.${s.iv}.${s.tag}.${s.data}`
  }

  /** @throws Error when the key that sealed it is not configured, or the value was altered. */
  openValue(value: string, field: SealedField): string {
    if (!value.startsWith(PREFIX)) return value
    const [keyId = '', iv = '', tag = '', data = ''] = value.slice(PREFIX.length).split('.')
    const cipher = this.ciphers.get(keyId)
    if (!cipher) throw new Error(`No encryption key with id ${keyId} is configured`)
    return cipher.open({ keyId, iv, tag, data }, context(field))
  }

  keyIdOf(value: string): string | undefined {
    return value.startsWith(PREFIX) ? value.slice(PREFIX.length).split('.')[0] : undefined
  }
}

export const addressKeyring = new AddressKeyring()

function mapFields(
  address: ShippingAddress,
  each: (value: string, field: SealedField) => string,
): ShippingAddress {
  const out: ShippingAddress = { ...address }
  for (const field of SEALED_ADDRESS_FIELDS) {
    const value = address[field]
    if (typeof value === 'string' && value) out[field] = each(value, field)
  }
  return out
}

/** The address as stored: its sealed fields encrypted under the current key. */
export const sealAddress = (address: ShippingAddress): ShippingAddress =>
  mapFields(address, (value, field) => addressKeyring.sealValue(value, field))

/** The address as people read it. @throws Error when a field cannot be opened. */
export const openAddress = (address: ShippingAddress): ShippingAddress =>
  mapFields(address, (value, field) => addressKeyring.openValue(value, field))

/** True when a field is plain text or sealed under another key than the current one. */
export function needsReseal(address: ShippingAddress): boolean {
  const current = addressKeyring.currentKeyId
  return SEALED_ADDRESS_FIELDS.some((field) => {
    const value = address[field]
    return typeof value === 'string' && value !== '' && addressKeyring.keyIdOf(value) !== current
  })
}

/** What one `resealAddresses` pass did. */
export interface ResealReport {
  keyId: string
  checked: number
  resealed: number
  /** Documents changed by someone else between the read and the write: the next pass gets them. */
  skipped: number
}

type AddressHolder = {
  find(filter: object): {
    sort(s: object): { limit(n: number): { lean(): Promise<unknown[]> } }
  }
  updateOne(filter: object, update: object): Promise<{ modifiedCount: number }>
}

/**
 * Seals every shipping address under the current key, `batchSize` documents at a time, each
 * write a compare-and-set on the address it read, so it runs beside a live server: a document
 * changed meanwhile is skipped, and a re-run finishes it.
 */
export async function resealAddresses(
  collections: AddressHolder[],
  batchSize: number,
  dryRun: boolean,
): Promise<ResealReport> {
  const report: ResealReport = {
    keyId: addressKeyring.currentKeyId ?? '',
    checked: 0,
    resealed: 0,
    skipped: 0,
  }
  for (const collection of collections) {
    let after: unknown
    for (;;) {
      const batch = (await collection
        .find(after ? { _id: op({ $gt: after }) } : {})
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean()) as { _id: unknown; shippingAddress: ShippingAddress }[]
      if (batch.length === 0) break
      after = batch.at(-1)!._id
      for (const doc of batch) {
        report.checked++
        if (!needsReseal(doc.shippingAddress)) continue
        if (dryRun) {
          report.resealed++
          continue
        }
        const resealed = sealAddress(openAddress(doc.shippingAddress))
        // Compare-and-set on the sealed fields as read (dotted: no subdocument equality).
        const read = Object.fromEntries(
          SEALED_ADDRESS_FIELDS.flatMap((f) =>
            doc.shippingAddress[f] ? [[`shippingAddress.${f}`, doc.shippingAddress[f]]] : [],
          ),
        )
        const { modifiedCount } = await collection.updateOne(
          { _id: doc._id, ...read },
          { $set: { shippingAddress: resealed } },
        )
        if (modifiedCount === 1) report.resealed++
        else report.skipped++
      }
    }
  }
  return report
}
