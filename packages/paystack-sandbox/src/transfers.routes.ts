import { NIGERIAN_BANKS } from './banks.data.js'
import { ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { newestFirst, paginate, withinDates } from './list.paging.js'
import { invalid, notFound } from './paystack.errors.js'
import { recipientData, transferData, transferDetailData } from './paystack.presenters.js'
import { CURRENCIES } from './paystack.types.js'
import {
  bulkTransferBody,
  createRecipientBody,
  createTransferBody,
  finalizeTransferBody,
  otpBody,
} from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import {
  createBulkTransfer,
  createRecipient,
  createTransfer,
  finalizeTransfer,
  findRecipient,
  resolveAccount,
  transferByKey,
  transferByReference,
} from './transfers.service.js'

// size: a route table, one short handler a row; splitting it would scatter one URL space.
/** `/bank`, `/transferrecipient`, `/transfer` and `/balance`: everything a payout needs. */
export function transferRoutes(ctx: SandboxContext): Route[] {
  return [
    route('GET', '/bank', 'secret', ({ query }) => {
      const country = query.get('country')?.toLowerCase()
      const currency = query.get('currency')?.toUpperCase()
      const nigerian = (!country || country === 'nigeria') && (!currency || currency === 'NGN')
      const perPage = Number(query.get('perPage') ?? 50) || 50
      const banks = nigerian ? NIGERIAN_BANKS : []
      return ok(
        'Banks retrieved',
        banks.map((bank) => ({
          ...bank,
          gateway: 'emandate',
          pay_with_bank: false,
          supports_transfer: true,
          available_for_direct_debit: false,
          active: true,
          is_deleted: false,
          country: 'Nigeria',
          currency: 'NGN',
          createdAt: '2016-07-14T10:04:29.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
        })),
        { meta: { next: null, previous: null, perPage } },
      )
    }),
    route('GET', '/bank/resolve', 'secret', ({ query }) => {
      const accountNumber = query.get('account_number')
      const bankCode = query.get('bank_code')
      if (!accountNumber || !bankCode) {
        throw invalid(
          'Account number and bank code are required',
          'missing_params',
          'Provide all required params',
        )
      }
      const resolved = resolveAccount(accountNumber, bankCode)
      return ok('Account number resolved', {
        account_number: accountNumber,
        account_name: resolved.accountName,
        bank_id: resolved.bankId,
      })
    }),
    route('POST', '/transferrecipient', 'secret', ({ body }) => {
      const { recipient } = createRecipient(ctx, parseInput(createRecipientBody, body))
      return ok('Transfer recipient created successfully', recipientData(recipient), {
        status: 201,
      })
    }),
    route('GET', '/transferrecipient', 'secret', ({ query }) => {
      const page = paginate(
        withinDates(newestFirst(ctx.store.state.recipients), query, (r) => r.createdAt),
        query,
      )
      return ok('Recipients retrieved', page.items.map(recipientData), { meta: page.meta })
    }),
    route('GET', '/transferrecipient/:code', 'secret', ({ params }) => {
      const recipient = findRecipient(ctx, params.code ?? '')
      if (!recipient) throw notFound('Recipient not found')
      return ok('Recipient retrieved', recipientData(recipient))
    }),
    route('GET', '/balance', 'secret', () =>
      ok(
        'Balances retrieved',
        CURRENCIES.filter(
          (currency) => currency === 'NGN' || ctx.store.state.balances[currency] !== 0,
        ).map((currency) => ({ currency, balance: ctx.store.state.balances[currency] })),
      ),
    ),
    route('POST', '/transfer', 'secret', ({ body }) => {
      const transfer = createTransfer(ctx, parseInput(createTransferBody, body))
      const message =
        transfer.status === 'otp' ? 'Transfer requires OTP to continue' : 'Transfer has been queued'
      return ok(message, transferData(transfer))
    }),
    route('POST', '/transfer/bulk', 'secret', ({ body }) => {
      const transfers = createBulkTransfer(ctx, parseInput(bulkTransferBody, body))
      return ok(
        `${transfers.length} transfers queued.`,
        transfers.map((transfer) => ({
          reference: transfer.reference,
          recipient: findRecipient(ctx, String(transfer.recipientId))?.recipientCode ?? '',
          amount: transfer.amount,
          transfer_code: transfer.transferCode,
          currency: transfer.currency,
          status: transfer.status,
        })),
      )
    }),
    route('POST', '/transfer/finalize_transfer', 'secret', ({ body }) => {
      const input = parseInput(finalizeTransferBody, body)
      return ok(
        'Transfer has been queued',
        transferData(finalizeTransfer(ctx, input.transfer_code, input.otp)),
      )
    }),
    route('POST', '/transfer/enable_otp', 'secret', () => {
      ctx.store.state.otpEnabled = true
      return ok('OTP requirement for transfers has been enabled', null)
    }),
    route('POST', '/transfer/disable_otp', 'secret', () =>
      ok(
        `OTP has been sent to mobile number ending with 0000 (sandbox OTP: ${ctx.options.transferOtp})`,
        null,
      ),
    ),
    route('POST', '/transfer/disable_otp_finalize', 'secret', ({ body }) => {
      const { otp } = parseInput(otpBody, body)
      if (otp !== ctx.options.transferOtp) throw invalid('Invalid OTP', 'invalid_otp')
      ctx.store.state.otpEnabled = false
      return ok('OTP requirement for transfers has been disabled', null)
    }),
    route('GET', '/transfer/verify/:reference', 'secret', ({ params }) =>
      ok(
        'Transfer retrieved',
        transferDetailData(ctx, transferByReference(ctx, params.reference ?? '')),
      ),
    ),
    route('GET', '/transfer', 'secret', ({ query }) => {
      let items = newestFirst(ctx.store.state.transfers)
      const status = query.get('status')
      if (status) items = items.filter((t) => t.status === status)
      const recipientKey = query.get('recipient')
      if (recipientKey) {
        const recipient = findRecipient(ctx, recipientKey)
        items = items.filter((t) => t.recipientId === recipient?.id)
      }
      const page = paginate(
        withinDates(items, query, (t) => t.createdAt),
        query,
      )
      return ok(
        'Transfers retrieved',
        page.items.map((t) => transferDetailData(ctx, t)),
        { meta: page.meta },
      )
    }),
    route('GET', '/transfer/:code', 'secret', ({ params }) =>
      ok('Transfer retrieved', transferDetailData(ctx, transferByKey(ctx, params.code ?? ''))),
    ),
  ]
}
