import { createHash } from 'node:crypto'
import { prefixedCode, randomCode } from './ids.js'
import { chargeFees, formatAmount, MAXIMUM_CHARGE, MINIMUM_CHARGE } from './money.format.js'
import { invalid, notFound, PaystackError } from './paystack.errors.js'
import { customerOf, transactionData } from './paystack.presenters.js'
import type {
  AuthorizationRecord,
  ChargeOutcome,
  Currency,
  CustomerRecord,
  TransactionRecord,
} from './paystack.types.js'
import type { ChargeAuthorizationBody, InitializeTransactionBody } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { subscribeAfterCheckout } from './subscriptions.service.js'
import { DEFAULT_TEST_CARD, GATEWAY_RESPONSES, type TestCard } from './test-cards.data.js'

/** Finds the customer with this email, creating one the first time it is seen. */
export function customerFor(ctx: SandboxContext, email: string): CustomerRecord {
  const { store } = ctx
  const normalized = email.trim().toLowerCase()
  const existing = store.state.customers.find((customer) => customer.email === normalized)
  if (existing) return existing
  const customer: CustomerRecord = {
    id: store.nextId(),
    customerCode: prefixedCode('CUS'),
    email: normalized,
    firstName: null,
    lastName: null,
    phone: null,
    createdAt: ctx.now().toISOString(),
  }
  store.state.customers.push(customer)
  return customer
}

/** Finds a customer by id, code or email (the forms Paystack's filters accept). */
export function findCustomer(ctx: SandboxContext, key: string): CustomerRecord | undefined {
  const needle = key.trim().toLowerCase()
  return ctx.store.state.customers.find(
    (customer) =>
      String(customer.id) === needle ||
      customer.customerCode.toLowerCase() === needle ||
      customer.email === needle,
  )
}

function assertChargeableAmount(amount: number, currency: Currency): void {
  if (amount < MINIMUM_CHARGE[currency]) {
    throw invalid(`Amount must be at least ${formatAmount(MINIMUM_CHARGE[currency], currency)}`)
  }
  if (amount > MAXIMUM_CHARGE) throw invalid('Transaction amount limit exceeded')
}

function assertUniqueReference(ctx: SandboxContext, reference: string): void {
  if (ctx.store.state.transactions.some((transaction) => transaction.reference === reference)) {
    throw new PaystackError(
      400,
      'Duplicate Transaction Reference',
      'validation_error',
      'duplicate_reference',
      'Ensure you pass a unique reference',
    )
  }
}

/** Starts a checkout: the transaction waits (status `pending`) until its page is paid. */
export function initializeTransaction(
  ctx: SandboxContext,
  input: InitializeTransactionBody,
): TransactionRecord {
  const { store } = ctx
  const plan = input.plan
    ? store.state.plans.find((candidate) => candidate.planCode === input.plan)
    : undefined
  if (input.plan && !plan) throw invalid(`Plan ${input.plan} not found`)
  // With a plan, Paystack charges the plan's amount whatever amount was sent.
  const amount = plan?.amount ?? input.amount
  const currency = plan?.currency ?? input.currency ?? 'NGN'
  if (amount === undefined) {
    throw invalid('Amount is required', 'missing_params', 'Provide all required params')
  }
  assertChargeableAmount(amount, currency)
  const reference = input.reference ?? randomCode(10)
  assertUniqueReference(ctx, reference)
  const now = ctx.now().toISOString()
  const transaction: TransactionRecord = {
    id: store.nextId(),
    reference,
    accessCode: randomCode(15),
    amount,
    currency,
    customerId: customerFor(ctx, input.email).id,
    status: 'pending',
    gatewayResponse: 'Pending',
    callbackUrl: input.callback_url ?? null,
    metadata: input.metadata ?? null,
    planCode: plan?.planCode ?? null,
    authorizationCode: null,
    cardNumber: null,
    fees: 0,
    refundedAmount: 0,
    source: 'checkout',
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }
  store.state.transactions.push(transaction)
  return transaction
}

/** @throws PaystackError 400 "Transaction reference not found", as the live API answers. */
export function transactionByReference(ctx: SandboxContext, reference: string): TransactionRecord {
  const transaction = ctx.store.state.transactions.find((t) => t.reference === reference)
  if (!transaction) throw invalid('Transaction reference not found', 'invalid_reference')
  return transaction
}

/** Finds a transaction by numeric id or reference (refunds accept either). */
export function transactionByIdOrReference(
  ctx: SandboxContext,
  key: string,
): TransactionRecord | undefined {
  const { transactions } = ctx.store.state
  return (
    transactions.find((t) => t.reference === key) ?? transactions.find((t) => String(t.id) === key)
  )
}

/** @throws PaystackError 404 "Transaction not found". */
export function transactionById(ctx: SandboxContext, id: string): TransactionRecord {
  const transaction = ctx.store.state.transactions.find((t) => String(t.id) === id)
  if (!transaction) throw notFound('Transaction not found')
  return transaction
}

/** Finds a transaction by the access code in its checkout link. */
export function transactionByAccessCode(
  ctx: SandboxContext,
  accessCode: string,
): TransactionRecord | undefined {
  return ctx.store.state.transactions.find((t) => t.accessCode === accessCode)
}

/**
 * The card's signature (Paystack's fingerprint of one physical card). Everyone pays with the same
 * few test cards, so the test number alone would make every customer one card holder (and fire
 * card-velocity rules after a few payments on a dev database): the sandbox gives each customer
 * email its own deterministic "physical card" per test number. A payer that means the same card
 * across customers passes its `signature` (the checkout form's `signature` field).
 */
export function cardSignature(card: TestCard, email: string, given?: string): string {
  if (given) return given
  const digest = createHash('sha256').update(`${card.number}:${card.cvv}:${email}`).digest('hex')
  return `SIG_${digest.slice(0, 20)}`
}

function authorizationFor(
  ctx: SandboxContext,
  customerId: number,
  card: TestCard,
  givenSignature?: string,
): AuthorizationRecord {
  const { state } = ctx.store
  const { email } = customerOf(ctx, customerId)
  const signature = cardSignature(card, email, givenSignature)
  // Paystack hands back the same authorization for the same card and customer.
  const existing = state.authorizations.find(
    (auth) =>
      auth.customerId === customerId &&
      auth.cardNumber === card.number &&
      auth.signature === signature,
  )
  if (existing) return existing
  const authorization: AuthorizationRecord = {
    code: prefixedCode('AUTH'),
    customerId,
    cardNumber: card.number,
    bin: card.number.slice(0, 6),
    last4: card.number.slice(-4),
    expMonth: '12',
    expYear: String(ctx.now().getUTCFullYear() + 3),
    cardType: card.brand === 'visa' ? 'visa ' : card.brand,
    bank: card.bank,
    brand: card.brand,
    reusable: true,
    signature,
    nextOutcome: card.outcome,
    createdAt: ctx.now().toISOString(),
  }
  state.authorizations.push(authorization)
  return authorization
}

function markPaid(ctx: SandboxContext, transaction: TransactionRecord, auth: AuthorizationRecord) {
  const now = ctx.now().toISOString()
  transaction.status = 'success'
  transaction.gatewayResponse = GATEWAY_RESPONSES.success
  transaction.authorizationCode = auth.code
  transaction.cardNumber = auth.cardNumber
  transaction.fees = chargeFees(transaction.amount, transaction.currency, ctx.options.feeModel)
  transaction.paidAt = now
  transaction.updatedAt = now
  ctx.store.state.balances[transaction.currency] += transaction.amount - transaction.fees
  ctx.events.emit('charge.success', transactionData(ctx, transaction))
}

function markUnpaid(
  ctx: SandboxContext,
  transaction: TransactionRecord,
  outcome: Exclude<ChargeOutcome, 'success'> | 'abandon',
  cardNumber: string | null,
): void {
  transaction.status = outcome === 'abandon' ? 'abandoned' : 'failed'
  transaction.gatewayResponse = GATEWAY_RESPONSES[outcome]
  if (cardNumber) transaction.cardNumber = cardNumber
  transaction.updatedAt = ctx.now().toISOString()
}

export type CheckoutOutcome = ChargeOutcome | 'abandon' | 'card'

/**
 * Settles a checkout attempt. `card` lets the chosen test card decide; the others force an
 * outcome. A failed or abandoned transaction can be attempted again, as on Paystack's page.
 * `signature` names the physical card when the payer means one shared across customers.
 * @throws PaystackError 400 once the transaction has been paid.
 */
export function attemptCheckout(
  ctx: SandboxContext,
  transaction: TransactionRecord,
  requested: CheckoutOutcome,
  card: TestCard = DEFAULT_TEST_CARD,
  signature?: string,
): TransactionRecord {
  if (transaction.status === 'success' || transaction.status === 'reversed') {
    throw invalid('Transaction has already been completed')
  }
  const outcome = requested === 'card' ? card.outcome : requested
  if (outcome === 'success') {
    markPaid(ctx, transaction, authorizationFor(ctx, transaction.customerId, card, signature))
    if (transaction.planCode) subscribeAfterCheckout(ctx, transaction)
  } else {
    markUnpaid(ctx, transaction, outcome, outcome === 'abandon' ? null : card.number)
  }
  return transaction
}

/** Charges an authorization for a given customer; used by charge_authorization and renewals. */
export function chargeSavedCard(
  ctx: SandboxContext,
  input: {
    email: string
    amount: number
    authorizationCode: string
    reference?: string | undefined
    currency?: Currency | undefined
    metadata?: TransactionRecord['metadata'] | undefined
    planCode?: string | null
    source: TransactionRecord['source']
  },
): TransactionRecord {
  const { store } = ctx
  const authorization = store.state.authorizations.find(
    (auth) => auth.code === input.authorizationCode,
  )
  if (!authorization) throw invalid('Invalid Authorization Code', 'invalid_authorization_code')
  const customer = customerFor(ctx, input.email)
  if (customer.id !== authorization.customerId) {
    throw invalid('Email does not match Authorization code. Please confirm.')
  }
  if (!authorization.reusable) throw invalid('Authorization code is not reusable')
  const currency = input.currency ?? 'NGN'
  assertChargeableAmount(input.amount, currency)
  const reference = input.reference ?? randomCode(10)
  assertUniqueReference(ctx, reference)
  const now = ctx.now().toISOString()
  const transaction: TransactionRecord = {
    id: store.nextId(),
    reference,
    accessCode: randomCode(15),
    amount: input.amount,
    currency,
    customerId: customer.id,
    status: 'pending',
    gatewayResponse: 'Pending',
    callbackUrl: null,
    metadata: input.metadata ?? null,
    planCode: input.planCode ?? null,
    authorizationCode: authorization.code,
    cardNumber: authorization.cardNumber,
    fees: 0,
    refundedAmount: 0,
    source: input.source,
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }
  store.state.transactions.push(transaction)
  if (authorization.nextOutcome === 'success') markPaid(ctx, transaction, authorization)
  else markUnpaid(ctx, transaction, authorization.nextOutcome, authorization.cardNumber)
  return transaction
}

/** `POST /transaction/charge_authorization`: a declined charge is still a 200 with `failed`. */
export function chargeAuthorization(
  ctx: SandboxContext,
  input: ChargeAuthorizationBody,
): TransactionRecord {
  return chargeSavedCard(ctx, {
    email: input.email,
    amount: input.amount,
    authorizationCode: input.authorization_code,
    reference: input.reference,
    currency: input.currency,
    metadata: input.metadata,
    source: 'charge_authorization',
  })
}
