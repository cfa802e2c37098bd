import { randomUUID } from 'node:crypto'
import { findBank, resolveAccountName, transferOutcomeFor } from './banks.data.js'
import { prefixedCode, randomCode } from './ids.js'
import { transferFee } from './money.format.js'
import { invalid, notFound, PaystackError } from './paystack.errors.js'
import { transferEventData } from './paystack.presenters.js'
import type { Currency, RecipientRecord, TransferRecord, TransferStatus } from './paystack.types.js'
import type {
  BulkTransferBody,
  CreateRecipientBody,
  CreateTransferBody,
} from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'

/** Which transfer statuses may follow which; the control endpoints obey it too. */
export const transferTransitions: Record<TransferStatus, readonly TransferStatus[]> = {
  otp: ['pending'],
  pending: ['success', 'failed', 'reversed'],
  success: [],
  failed: [],
  reversed: [],
}

const FAILURE_REASONS = {
  failed: 'Bank processor is unavailable; retry later with the same reference',
  reversed: 'Beneficiary bank could not credit the account; the amount was returned',
} as const

/** Resolves an account number at a bank. @throws PaystackError 422 when it cannot be resolved. */
export function resolveAccount(
  accountNumber: string,
  bankCode: string,
): { accountName: string; bankId: number } {
  const bank = findBank(bankCode)
  if (!bank) throw new PaystackError(422, `Unknown bank code: ${bankCode}`, 'validation_error')
  const accountName = resolveAccountName(accountNumber)
  if (!accountName) {
    throw new PaystackError(
      422,
      'Could not resolve account name. Check parameters or try again.',
      'validation_error',
      'invalid_bank_account',
    )
  }
  return { accountName, bankId: bank.id }
}

/**
 * Creates a nuban recipient, or returns the existing one for the same bank and account number
 * (Paystack's documented idempotency).
 */
export function createRecipient(
  ctx: SandboxContext,
  input: CreateRecipientBody,
): { recipient: RecipientRecord; created: boolean } {
  if (input.type !== 'nuban') {
    throw invalid(`The sandbox only emulates nuban recipients, not ${input.type}`)
  }
  if (!input.account_number) {
    throw invalid('Either authorization_code or account_number must be passed.', 'missing_params')
  }
  if (!input.bank_code) throw invalid('Bank code is invalid', 'missing_params')
  const bank = findBank(input.bank_code)
  if (!bank) throw invalid('Unknown bank code', 'invalid_bank_code')
  const currency = input.currency ?? 'NGN'
  if (currency !== 'NGN') throw invalid('Nuban recipients must use NGN')
  const { state } = ctx.store
  const existing = state.recipients.find(
    (recipient) =>
      recipient.bankCode === bank.code && recipient.accountNumber === input.account_number,
  )
  if (existing) return { recipient: existing, created: false }
  const accountName = resolveAccountName(input.account_number)
  if (!accountName) throw invalid('Cannot resolve account', 'invalid_bank_account')
  const now = ctx.now().toISOString()
  const recipient: RecipientRecord = {
    id: ctx.store.nextId(),
    recipientCode: prefixedCode('RCP'),
    type: 'nuban',
    name: input.name,
    accountNumber: input.account_number,
    accountName,
    bankCode: bank.code,
    bankName: bank.name,
    currency,
    description: input.description ?? null,
    email: input.email ?? null,
    metadata: input.metadata ?? null,
    active: true,
    createdAt: now,
    updatedAt: now,
  }
  state.recipients.push(recipient)
  return { recipient, created: true }
}

/** Finds a recipient by code or numeric id. */
export function findRecipient(ctx: SandboxContext, key: string): RecipientRecord | undefined {
  return ctx.store.state.recipients.find(
    (recipient) => recipient.recipientCode === key || String(recipient.id) === key,
  )
}

function activeRecipient(ctx: SandboxContext, key: string): RecipientRecord {
  const recipient = findRecipient(ctx, key)
  if (!recipient?.active) {
    throw new PaystackError(
      400,
      'Recipient specified is invalid',
      'validation_error',
      'invalid_transfer_recipient',
      'Provide a valid recipient code',
    )
  }
  return recipient
}

/** Paystack's rule: 16 to 50 characters of lowercase letters, digits, `-` and `_`. */
function assertTransferReference(reference: string): void {
  if (!/^[a-z0-9_-]+$/.test(reference)) {
    throw invalid('Your reference contains illegal special characters', 'invalid_reference')
  }
  if (reference.length < 16 || reference.length > 50) {
    throw invalid('Transfer reference must be 16 to 50 characters long', 'invalid_reference')
  }
}

function assertNewReference(ctx: SandboxContext, reference: string): void {
  if (ctx.store.state.transfers.some((transfer) => transfer.reference === reference)) {
    throw invalid(
      'Please provide a unique reference. Reference already exists on a transfer',
      'duplicate_reference',
    )
  }
}

/** `amount` is what leaves the balance: the transfers' amounts and Paystack's fees on them. */
function assertBalance(ctx: SandboxContext, currency: Currency, amount: number): void {
  if (ctx.store.state.balances[currency] < amount) {
    throw invalid('Your balance is not enough to fulfil this request', 'insufficient_balance')
  }
}

function newTransfer(
  ctx: SandboxContext,
  recipient: RecipientRecord,
  input: { amount: number; reference: string; reason?: string | undefined },
  status: TransferStatus,
): TransferRecord {
  const now = ctx.now().toISOString()
  const transfer: TransferRecord = {
    id: ctx.store.nextId(),
    transferCode: prefixedCode('TRF'),
    reference: input.reference,
    amount: input.amount,
    currency: recipient.currency,
    recipientId: recipient.id,
    reason: input.reason ?? null,
    fee: feeOn(ctx, input.amount, recipient.currency),
    status,
    failures: null,
    gatewayResponse: null,
    titanCode: null,
    transferredAt: null,
    createdAt: now,
    updatedAt: now,
  }
  ctx.store.state.transfers.push(transfer)
  return transfer
}

const feeOn = (ctx: SandboxContext, amount: number, currency: Currency) =>
  transferFee(amount, currency, ctx.options.feeModel)

/** What a transfer takes from the balance: its amount and Paystack's fee. */
const costOf = (transfer: TransferRecord) => transfer.amount + (transfer.fee ?? 0)

const jobKey = (transfer: TransferRecord) => `transfer:${transfer.transferCode}`

/** Takes the money and the fee, and queues settlement: the step after creation (or the OTP). */
function queue(ctx: SandboxContext, transfer: TransferRecord): void {
  ctx.store.state.balances[transfer.currency] -= costOf(transfer)
  transfer.status = 'pending'
  transfer.updatedAt = ctx.now().toISOString()
  scheduleTransfer(ctx, transfer)
}

/** Queues the automatic settlement of a pending transfer. */
export function scheduleTransfer(ctx: SandboxContext, transfer: TransferRecord): void {
  ctx.jobs.schedule(jobKey(transfer), ctx.options.transferDelayMs, () => {
    settleTransfer(ctx, transfer, undefined)
    ctx.store.changed()
  })
}

/**
 * Single transfer from the balance. With the OTP requirement on it waits in `otp` (no money
 * moves until finalize); otherwise it is `pending` and settles after the configured delay.
 * @throws PaystackError 400 for bad or reused references, bad recipients and a short balance.
 */
export function createTransfer(ctx: SandboxContext, input: CreateTransferBody): TransferRecord {
  const reference = input.reference ?? randomUUID()
  assertTransferReference(reference)
  const recipient = activeRecipient(ctx, input.recipient)
  if (input.currency && input.currency !== recipient.currency) {
    throw invalid(`Recipient ${recipient.recipientCode} is paid in ${recipient.currency}`)
  }
  assertNewReference(ctx, reference)
  assertBalance(
    ctx,
    recipient.currency,
    input.amount + feeOn(ctx, input.amount, recipient.currency),
  )
  if (ctx.store.state.otpEnabled) {
    return newTransfer(ctx, recipient, { ...input, reference }, 'otp')
  }
  const transfer = newTransfer(ctx, recipient, { ...input, reference }, 'pending')
  queue(ctx, transfer)
  return transfer
}

/** Several transfers at once; refused while the OTP requirement is on, all-or-nothing otherwise. */
export function createBulkTransfer(ctx: SandboxContext, input: BulkTransferBody): TransferRecord[] {
  if (ctx.store.state.otpEnabled) {
    throw invalid('You need to disable the OTP requirement to use this feature.')
  }
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const item of input.transfers) {
    assertTransferReference(item.reference)
    const taken = ctx.store.state.transfers.some((t) => t.reference === item.reference)
    if (seen.has(item.reference) || taken) duplicates.push(item.reference)
    seen.add(item.reference)
  }
  if (duplicates.length > 0) {
    throw new PaystackError(
      400,
      `Duplicate reference(s) found: ${duplicates.join(',')}`,
      'api_error',
      'unknown',
      'Try again later',
    )
  }
  const recipients = input.transfers.map((item) => activeRecipient(ctx, item.recipient))
  const totals = new Map<Currency, number>()
  recipients.forEach((recipient, index) => {
    const amount = input.transfers[index]?.amount ?? 0
    const cost = amount + feeOn(ctx, amount, recipient.currency)
    totals.set(recipient.currency, (totals.get(recipient.currency) ?? 0) + cost)
  })
  for (const [currency, total] of totals) assertBalance(ctx, currency, total)
  return input.transfers.map((item, index) => {
    const transfer = newTransfer(ctx, recipients[index]!, item, 'pending')
    queue(ctx, transfer)
    return transfer
  })
}

/** @throws PaystackError 400 "Transfer code is invalid" for an unknown code. */
export function finalizeTransfer(ctx: SandboxContext, transferCode: string, otp: string) {
  const transfer = ctx.store.state.transfers.find((t) => t.transferCode === transferCode)
  if (!transfer) throw new PaystackError(400, 'Transfer code is invalid', null, null)
  if (transfer.status !== 'otp') throw invalid('Transfer is not currently awaiting OTP')
  if (otp !== ctx.options.transferOtp) throw invalid('Invalid OTP', 'invalid_otp')
  assertBalance(ctx, transfer.currency, costOf(transfer))
  queue(ctx, transfer)
  return transfer
}

/**
 * Moves a pending transfer to its final status: the recipient's designated outcome unless
 * `forced` says otherwise. Failed and reversed transfers give the money and the fee back to the
 * balance (the sandbox assumes Paystack keeps its fee only on a transfer that is paid).
 * @throws PaystackError 400 when the transfer is not pending.
 */
export function settleTransfer(
  ctx: SandboxContext,
  transfer: TransferRecord,
  forced: 'success' | 'failed' | 'reversed' | undefined,
): TransferRecord {
  const recipient = ctx.store.state.recipients.find((r) => r.id === transfer.recipientId)
  const target = forced ?? transferOutcomeFor(recipient?.accountNumber ?? '')
  if (!transferTransitions[transfer.status].includes(target)) {
    throw invalid(
      `Transfer ${transfer.transferCode} is ${transfer.status} and cannot become ${target}`,
    )
  }
  ctx.jobs.cancel(jobKey(transfer))
  const now = ctx.now().toISOString()
  transfer.status = target
  transfer.updatedAt = now
  if (target === 'success') {
    transfer.transferredAt = now
    transfer.gatewayResponse = 'Approved'
    transfer.titanCode = randomCode(10).toUpperCase()
  } else {
    transfer.failures = FAILURE_REASONS[target]
    transfer.gatewayResponse = FAILURE_REASONS[target]
    ctx.store.state.balances[transfer.currency] += costOf(transfer)
  }
  ctx.events.emit(`transfer.${target}`, transferEventData(ctx, transfer))
  return transfer
}

/** Finds a transfer by code, numeric id or reference. @throws PaystackError 404. */
export function transferByKey(ctx: SandboxContext, key: string): TransferRecord {
  const transfer = ctx.store.state.transfers.find(
    (t) => t.transferCode === key || String(t.id) === key || t.reference === key,
  )
  if (!transfer) throw notFound('Transfer not found')
  return transfer
}

/** @throws PaystackError 404 "Transfer not found". */
export function transferByReference(ctx: SandboxContext, reference: string): TransferRecord {
  const transfer = ctx.store.state.transfers.find((t) => t.reference === reference)
  if (!transfer) throw notFound('Transfer not found')
  return transfer
}
