import { checkoutPage, notFoundPage, resultPage } from './checkout.page.js'
import { html, type Reply, type Route, redirect, route } from './http.router.js'
import { customerOf } from './paystack.presenters.js'
import type { TransactionRecord } from './paystack.types.js'
import type { SandboxContext } from './sandbox.context.js'
import { DEFAULT_TEST_CARD, findTestCard } from './test-cards.data.js'
import {
  attemptCheckout,
  type CheckoutOutcome,
  transactionByAccessCode,
} from './transactions.service.js'

const ACTIONS: Record<string, CheckoutOutcome> = {
  // "success" pays with the chosen card, so picking the decline card and paying still declines.
  success: 'card',
  pay: 'card',
  decline: 'decline',
  insufficient_funds: 'insufficient_funds',
  abandon: 'abandon',
}

function field(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const value = (body as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : undefined
}

/** Adds Paystack's `reference` and `trxref` to the merchant's callback URL. */
function callbackLocation(transaction: TransactionRecord, callbackUrl: string): string {
  const url = new URL(callbackUrl)
  url.searchParams.set('trxref', transaction.reference)
  url.searchParams.set('reference', transaction.reference)
  return url.toString()
}

function cancelAction(transaction: TransactionRecord): string | null {
  const { metadata } = transaction
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return null
  const value = metadata.cancel_action
  return typeof value === 'string' ? value : null
}

// size: the hosted page (its two routes and the page they share); one screen of one flow.
/** The hosted checkout that `authorization_url` points at, driven by plain form posts. */
export function checkoutRoutes(ctx: SandboxContext): Route[] {
  const merchant = ctx.options.merchantName
  const page = (status: number, transaction: TransactionRecord, notice: string | null): Reply => {
    const customer = customerOf(ctx, transaction.customerId)
    if (transaction.status === 'success' || transaction.status === 'reversed') {
      return html(
        status,
        resultPage(
          merchant,
          transaction,
          customer,
          'Payment complete',
          'Nothing left to pay.',
          false,
        ),
      )
    }
    return html(status, checkoutPage(merchant, transaction, customer, notice))
  }
  return [
    route('GET', '/checkout/:accessCode', 'public', ({ params }) => {
      const transaction = transactionByAccessCode(ctx, params.accessCode ?? '')
      if (!transaction) return html(404, notFoundPage())
      return page(200, transaction, null)
    }),
    route('POST', '/checkout/:accessCode', 'public', ({ params, body }) => {
      const transaction = transactionByAccessCode(ctx, params.accessCode ?? '')
      if (!transaction) return html(404, notFoundPage())
      if (transaction.status === 'success' || transaction.status === 'reversed') {
        return page(409, transaction, null)
      }
      const outcome = ACTIONS[field(body, 'action') ?? 'success']
      if (!outcome) return page(400, transaction, 'Unknown action; use one of the buttons.')
      const cardNumber = field(body, 'card')
      const card = cardNumber ? findTestCard(cardNumber) : DEFAULT_TEST_CARD
      if (!card) return page(400, transaction, 'That is not one of the test cards listed here.')
      // A fresh binding: TypeScript's narrowing above does not know the attempt changed the status.
      const signature = field(body, 'signature')?.trim() || undefined
      const attempted = attemptCheckout(ctx, transaction, outcome, card, signature)
      const customer = customerOf(ctx, attempted.customerId)
      if (attempted.status === 'success') {
        if (transaction.callbackUrl)
          return redirect(callbackLocation(transaction, transaction.callbackUrl))
        return html(
          200,
          resultPage(
            merchant,
            transaction,
            customer,
            'Payment successful',
            'You may close this page.',
            false,
          ),
        )
      }
      if (attempted.status === 'abandoned') {
        const cancel = cancelAction(transaction)
        if (cancel) return redirect(cancel)
        return html(
          200,
          resultPage(
            merchant,
            transaction,
            customer,
            'Payment cancelled',
            'No money was taken.',
            true,
          ),
        )
      }
      return html(
        200,
        resultPage(
          merchant,
          transaction,
          customer,
          'Payment failed',
          transaction.gatewayResponse,
          true,
        ),
      )
    }),
  ]
}
