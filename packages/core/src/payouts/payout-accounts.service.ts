import type { Types } from 'mongoose'
import type { People } from '../accounts/people.port.js'
import type { KeyValueStore } from '../adapters/kv.js'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import type { ResealReport } from '../orders/address.cipher.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { PaystackRejectedError } from '../payments/paystack/paystack.errors.js'
import { MARKETPLACE_TIMEZONE } from '../shared/clock.js'
import type { PayoutSettings } from '../shared/config.js'
import { type Ctx, requireRole, requireUser, systemCtx } from '../shared/ctx.js'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { AccountNumberCipher } from './account-number.cipher.js'
import type { SetPayoutAccountBody } from './payout.schemas.js'
import type { BankDTO, PayoutAccountDTO } from './payout.types.js'
import type { PayoutAccountDoc, PayoutAccountModel } from './payout-account.model.js'

export interface PayoutAccountsDeps {
  accounts: PayoutAccountModel
  cipher: AccountNumberCipher
  paystack: Pick<PaystackClient, 'listBanks' | 'resolveAccount' | 'createTransferRecipient'>
  /** Checks the seller's password again (AccountsService). */
  passwords: { verifyPassword(ctx: Ctx, password: string): Promise<void> }
  stores: Pick<StoreLookup, 'requireOwnStore'>
  people: People
  /** Caches Paystack's bank list. */
  kv: KeyValueStore
  mail: MailService
  audit: AuditService
  events: EventBus
  logger: Logger
  settings: Pick<PayoutSettings, 'holdHours'>
}

const BANKS_CACHE_KEY = 'paystack:banks:NGN'
const BANKS_CACHE_SECONDS = 24 * 3600

export function toPayoutAccountDTO(doc: PayoutAccountDoc, now: Date): PayoutAccountDTO {
  return {
    storeId: doc.storeId,
    currency: doc.currency,
    bankCode: doc.bankCode,
    bankName: doc.bankName,
    accountName: doc.accountName,
    accountNumberLast4: doc.accountNumberLast4,
    ...(doc.payoutsHeldUntil && doc.payoutsHeldUntil > now
      ? { payoutsHeldUntil: doc.payoutsHeldUntil.toISOString() }
      : {}),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

const lagosTime = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: MARKETPLACE_TIMEZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at)

/**
 * Sellers' payout accounts: where a store's money goes. Setting one checks the password again,
 * resolves the account with Paystack and makes a transfer recipient; the number is stored sealed
 * (AES-256-GCM) and shown only as its last four digits. Changing an account holds the next
 * payout for `holdHours` and tells the seller by email.
 */
export class PayoutAccountsService {
  constructor(private deps: PayoutAccountsDeps) {}

  /** Banks sellers can be paid at, from Paystack, cached for a day. */
  async banks(ctx: Ctx): Promise<BankDTO[]> {
    requireUser(ctx)
    const cached = await this.deps.kv.get(BANKS_CACHE_KEY)
    if (cached) return JSON.parse(cached) as BankDTO[]
    const banks = (await this.deps.paystack.listBanks())
      .filter((bank) => bank.active)
      .map((bank) => ({ code: bank.code, name: bank.name, slug: bank.slug }))
      .sort((a, b) => a.name.localeCompare(b.name))
    await this.deps.kv.set(BANKS_CACHE_KEY, JSON.stringify(banks), BANKS_CACHE_SECONDS)
    return banks
  }

  /** The signed-in seller's payout account. @throws NotFoundError when none is set. */
  async getOwn(ctx: Ctx): Promise<PayoutAccountDTO> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = await this.deps.accounts.findOne({ storeId: store.id }).lean()
    if (!doc) throw new NotFoundError('Payout account')
    return toPayoutAccountDTO(doc, ctx.now)
  }

  /**
   * Sets or changes the signed-in seller's payout account. A change to another account holds
   * the next payout for `holdHours`; saving the same account again changes nothing else.
   * @throws ForbiddenError `invalid_password`, RateLimitedError, NotFoundError (no store),
   *   ValidationError `account_unresolvable` when Paystack cannot resolve the account.
   */
  async setOwn(ctx: Ctx, input: SetPayoutAccountBody): Promise<PayoutAccountDTO> {
    const userId = requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    // The password comes first: nothing about the account is looked up for a wrong one.
    await this.deps.passwords.verifyPassword(ctx, input.password)
    const resolved = await this.resolve(input)
    const recipient = await this.deps.paystack.createTransferRecipient({
      name: resolved.accountName,
      accountNumber: input.accountNumber,
      bankCode: input.bankCode,
      currency: 'NGN',
    })
    const existing = await this.deps.accounts.findOne({ storeId: store.id }).lean()
    const changed = !existing || !this.isSameAccount(existing, input)
    const heldUntil =
      existing && changed
        ? new Date(ctx.now.getTime() + this.deps.settings.holdHours * 3600 * 1000)
        : undefined
    const bankName = recipient.bankName ?? (await this.bankName(ctx, input.bankCode))
    const $set: Partial<PayoutAccountDoc> = {
      setBy: userId,
      currency: 'NGN',
      bankCode: input.bankCode,
      bankName,
      accountName: resolved.accountName,
      accountNumber: this.deps.cipher.seal(input.accountNumber, store.id),
      accountNumberLast4: input.accountNumber.slice(-4),
      recipientCode: recipient.recipientCode,
      ...(heldUntil ? { payoutsHeldUntil: heldUntil } : {}),
    }
    const saved = await this.save(store.id, $set)
    if (changed) {
      await this.deps.audit.record(
        ctx,
        existing ? 'payout_account.changed' : 'payout_account.set',
        { type: 'store', id: store.id },
        {
          details: {
            bankCode: input.bankCode,
            last4: saved.accountNumberLast4,
            ...(heldUntil ? { heldUntil: heldUntil.toISOString() } : {}),
          },
        },
      )
      await this.notify(userId, store.name, saved, heldUntil)
      await this.deps.events.emit('payout_account.changed', {
        storeId: store.id,
        heldUntil: heldUntil?.toISOString() ?? null,
      })
    }
    return toPayoutAccountDTO(saved, ctx.now)
  }

  /**
   * Re-seals every payout account number not sealed under the current key (`kloset keys
   * rotate`), `batchSize` accounts at a time. Each write is a compare-and-set on the sealed value
   * it read, so it runs beside a live server: an account changed meanwhile is skipped (a re-run
   * takes it). Administrators only.
   */
  async resealAccountNumbers(
    ctx: Ctx,
    options: { batchSize?: number; dryRun?: boolean } = {},
  ): Promise<ResealReport> {
    requireRole(ctx, 'admin')
    const { cipher, accounts } = this.deps
    const batchSize = options.batchSize ?? 200
    const report: ResealReport = { keyId: cipher.currentKeyId, checked: 0, resealed: 0, skipped: 0 }
    let after: Types.ObjectId | undefined
    for (;;) {
      const batch = await accounts
        .find(after ? { _id: op({ $gt: after }) } : {})
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean()
      if (batch.length === 0) break
      after = batch.at(-1)!._id
      for (const doc of batch) {
        report.checked++
        if (doc.accountNumber.keyId === cipher.currentKeyId) continue
        if (options.dryRun) {
          report.resealed++
          continue
        }
        const plain = cipher.open(doc.accountNumber, doc.storeId)
        const { modifiedCount } = await accounts.updateOne(
          // The IV is new for every seal: equal IV, same sealed value as read.
          { _id: doc._id, 'accountNumber.iv': doc.accountNumber.iv },
          { $set: { accountNumber: cipher.seal(plain, doc.storeId) } },
          { timestamps: false },
        )
        if (modifiedCount === 1) report.resealed++
        else report.skipped++
      }
    }
    return report
  }

  /**
   * Writes the store's payout account (inserted the first time).
   * @throws ConflictError `payout_account_busy` when two first-time saves raced.
   */
  private async save(storeId: string, $set: Partial<PayoutAccountDoc>) {
    const saved = await this.deps.accounts
      .findOneAndUpdate({ storeId }, { $set }, { upsert: true, returnDocument: 'after' })
      .catch((error: unknown) => {
        // Two first-time saves at once: the unique store id lets one insert win.
        if ((error as { code?: number }).code !== 11000) throw error
        throw new ConflictError(
          'The payout account changed meanwhile; try again',
          'payout_account_busy',
        )
      })
    if (!saved) throw new NotFoundError('Payout account')
    return saved
  }

  // ---- for the payouts service ------------------------------------------------------------

  /** Every store's payout account, oldest first (payout runs walk them). */
  async all(): Promise<PayoutAccountDoc[]> {
    return this.deps.accounts.find().sort({ _id: 1 }).lean()
  }

  /** A store's payout account, if it has one. */
  async forStore(storeId: string): Promise<PayoutAccountDoc | undefined> {
    return (await this.deps.accounts.findOne({ storeId }).lean()) ?? undefined
  }

  // ---- internals ---------------------------------------------------------------------------

  /** @throws ValidationError `account_unresolvable` when the bank does not know the account. */
  private async resolve(input: SetPayoutAccountBody) {
    try {
      return await this.deps.paystack.resolveAccount({
        accountNumber: input.accountNumber,
        bankCode: input.bankCode,
      })
    } catch (error) {
      if (!(error instanceof PaystackRejectedError)) throw error
      throw new ValidationError(
        'The bank could not confirm this account number',
        { accountNumber: 'could not be resolved at this bank; check both' },
        'account_unresolvable',
      )
    }
  }

  private isSameAccount(doc: PayoutAccountDoc, input: SetPayoutAccountBody): boolean {
    if (doc.bankCode !== input.bankCode) return false
    try {
      return this.deps.cipher.open(doc.accountNumber, doc.storeId) === input.accountNumber
    } catch (error) {
      // A number sealed with a key we no longer have: treat the save as a change (held).
      this.deps.logger.warn({ err: error, storeId: doc.storeId }, 'payout account unreadable')
      return false
    }
  }

  private async bankName(ctx: Ctx, code: string): Promise<string> {
    const banks = await this.banks(ctx).catch(() => [])
    return banks.find((bank) => bank.code === code)?.name ?? code
  }

  private async notify(
    userId: string,
    storeName: string,
    saved: PayoutAccountDoc,
    heldUntil: Date | undefined,
  ): Promise<void> {
    const owner = await this.deps.people.get(systemCtx('payouts'), userId).catch(() => undefined)
    if (!owner) return
    await this.deps.mail.send(
      owner.email,
      mailTemplates.payoutAccountChanged({
        name: owner.name,
        storeName,
        bankName: saved.bankName,
        last4: saved.accountNumberLast4,
        ...(heldUntil ? { heldUntil: lagosTime(heldUntil) } : {}),
      }),
    )
  }
}
