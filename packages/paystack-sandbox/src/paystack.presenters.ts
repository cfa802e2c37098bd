import { findBank } from './banks.data.js'
import type {
  AuthorizationRecord,
  CustomerRecord,
  InvoiceRecord,
  JsonValue,
  PlanRecord,
  RecipientRecord,
  RefundRecord,
  SubscriptionRecord,
  TransactionRecord,
  TransferRecord,
} from './paystack.types.js'
import { INTEGRATION_ID, type SandboxContext } from './sandbox.context.js'

// Records -> the JSON Paystack sends. Kept apart from the services so the response shapes (and
// their schemas in schemas.ts) can be read in one place.

export type JsonObject = { [key: string]: JsonValue }

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Sandbox state is inconsistent: ${what} is missing`)
  return value
}

/** The customer a record points at. */
export function customerOf(ctx: SandboxContext, customerId: number): CustomerRecord {
  return must(
    ctx.store.state.customers.find((customer) => customer.id === customerId),
    `customer ${customerId}`,
  )
}

export function customerData(customer: CustomerRecord): JsonObject {
  return {
    id: customer.id,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    customer_code: customer.customerCode,
    phone: customer.phone,
    metadata: null,
    risk_action: 'default',
    international_format_phone: null,
  }
}

export function authorizationData(authorization: AuthorizationRecord): JsonObject {
  return {
    authorization_code: authorization.code,
    bin: authorization.bin,
    last4: authorization.last4,
    exp_month: authorization.expMonth,
    exp_year: authorization.expYear,
    channel: 'card',
    card_type: authorization.cardType,
    bank: authorization.bank,
    country_code: 'NG',
    brand: authorization.brand,
    reusable: authorization.reusable,
    signature: authorization.signature,
    account_name: null,
  }
}

export function planData(plan: PlanRecord): JsonObject {
  return {
    id: plan.id,
    domain: 'test',
    integration: INTEGRATION_ID,
    plan_code: plan.planCode,
    name: plan.name,
    description: plan.description,
    amount: plan.amount,
    interval: plan.interval,
    currency: plan.currency,
    invoice_limit: plan.invoiceLimit,
    send_invoices: plan.sendInvoices,
    send_sms: plan.sendSms,
    hosted_page: false,
    migrate: false,
    is_archived: false,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  }
}

/** The transaction as verify, fetch, list and `charge.success` show it. */
export function transactionData(ctx: SandboxContext, transaction: TransactionRecord): JsonObject {
  const { state } = ctx.store
  const authorization = state.authorizations.find(
    (auth) => auth.code === transaction.authorizationCode,
  )
  const plan = state.plans.find((candidate) => candidate.planCode === transaction.planCode)
  const paid = transaction.paidAt !== null
  return {
    id: transaction.id,
    domain: 'test',
    status: transaction.status,
    reference: transaction.reference,
    receipt_number: null,
    amount: transaction.amount,
    message: null,
    gateway_response: transaction.gatewayResponse,
    paid_at: transaction.paidAt,
    created_at: transaction.createdAt,
    channel: 'card',
    currency: transaction.currency,
    ip_address: null,
    metadata: transaction.metadata ?? '',
    log: null,
    fees: paid ? transaction.fees : null,
    fees_split: null,
    authorization: authorization ? authorizationData(authorization) : {},
    customer: customerData(customerOf(ctx, transaction.customerId)),
    plan: plan ? plan.planCode : null,
    split: {},
    order_id: null,
    paidAt: transaction.paidAt,
    createdAt: transaction.createdAt,
    requested_amount: transaction.amount,
    pos_transaction_data: null,
    source: null,
    fees_breakdown: null,
    connect: null,
    transaction_date: transaction.createdAt,
    plan_object: plan ? planData(plan) : {},
    subaccount: {},
  }
}

function refundDeducted(refund: RefundRecord): number {
  return refund.status === 'failed' ? 0 : refund.amount
}

/** The refund as `POST /refund` returns it, with its transaction embedded. */
export function refundCreatedData(ctx: SandboxContext, refund: RefundRecord): JsonObject {
  const transaction = must(
    ctx.store.state.transactions.find((candidate) => candidate.id === refund.transactionId),
    `transaction ${refund.transactionId}`,
  )
  const full = transactionData(ctx, transaction)
  return {
    transaction: {
      id: transaction.id,
      domain: 'test',
      reference: transaction.reference,
      amount: transaction.amount,
      paid_at: transaction.paidAt,
      channel: 'card',
      currency: transaction.currency,
      authorization: full.authorization ?? {},
      customer: full.customer ?? {},
      plan: {},
      subaccount: {},
      split: {},
      order_id: null,
      paidAt: transaction.paidAt,
      pos_transaction_data: null,
      source: null,
      fees_breakdown: null,
    },
    integration: INTEGRATION_ID,
    deducted_amount: refundDeducted(refund),
    channel: null,
    merchant_note: refund.merchantNote,
    customer_note: refund.customerNote,
    status: refund.status,
    refunded_by: 'sandbox@kloset.local',
    expected_at: refund.expectedAt,
    currency: refund.currency,
    domain: 'test',
    amount: refund.amount,
    fully_deducted: refund.status !== 'failed',
    id: refund.id,
    createdAt: refund.createdAt,
    updatedAt: refund.updatedAt,
  }
}

/** The refund as fetch and list show it. */
export function refundData(refund: RefundRecord): JsonObject {
  return {
    integration: INTEGRATION_ID,
    transaction: refund.transactionId,
    transaction_reference: refund.transactionReference,
    dispute: null,
    settlement: null,
    id: refund.id,
    domain: 'test',
    currency: refund.currency,
    amount: refund.amount,
    status: refund.status,
    refunded_at: refund.refundedAt,
    refunded_by: 'sandbox@kloset.local',
    customer_note: refund.customerNote,
    merchant_note: refund.merchantNote,
    deducted_amount: refundDeducted(refund),
    fully_deducted: refund.status !== 'failed',
    expected_at: refund.expectedAt,
    createdAt: refund.createdAt,
    updatedAt: refund.updatedAt,
  }
}

/** `refund.*` event data: Paystack's shape carries no refund id; correlate on the reference. */
export function refundEventData(ctx: SandboxContext, refund: RefundRecord): JsonObject {
  const transaction = ctx.store.state.transactions.find((t) => t.id === refund.transactionId)
  const customer = transaction ? customerOf(ctx, transaction.customerId) : null
  const data: JsonObject = {
    status: refund.status,
    transaction_reference: refund.transactionReference,
    refund_reference: refund.refundReference,
    amount: refund.amount,
    currency: refund.currency,
    processor: 'card',
    customer: {
      first_name: customer?.firstName ?? null,
      last_name: customer?.lastName ?? null,
      email: customer?.email ?? '',
    },
    integration: INTEGRATION_ID,
    domain: 'test',
  }
  if (refund.status === 'needs-attention') {
    data.id = refund.id
    data.customer_note = refund.customerNote
    data.merchant_note = refund.merchantNote
  }
  return data
}

export function recipientData(recipient: RecipientRecord): JsonObject {
  return {
    active: recipient.active,
    createdAt: recipient.createdAt,
    currency: recipient.currency,
    description: recipient.description,
    domain: 'test',
    email: recipient.email,
    id: recipient.id,
    integration: INTEGRATION_ID,
    metadata: recipient.metadata,
    name: recipient.name,
    recipient_code: recipient.recipientCode,
    type: recipient.type,
    updatedAt: recipient.updatedAt,
    is_deleted: !recipient.active,
    isDeleted: !recipient.active,
    details: {
      authorization_code: null,
      account_number: recipient.accountNumber,
      account_name: recipient.accountName,
      bank_code: recipient.bankCode,
      bank_name: findBank(recipient.bankCode)?.name ?? recipient.bankName,
    },
  }
}

function recipientOf(ctx: SandboxContext, transfer: TransferRecord): RecipientRecord {
  return must(
    ctx.store.state.recipients.find((recipient) => recipient.id === transfer.recipientId),
    `recipient ${transfer.recipientId}`,
  )
}

/** The transfer as `POST /transfer` and finalize return it (recipient as its numeric id). */
export function transferData(transfer: TransferRecord): JsonObject {
  return {
    transfersessionid: [],
    transfertrials: [],
    domain: 'test',
    amount: transfer.amount,
    currency: transfer.currency,
    reference: transfer.reference,
    source: 'balance',
    source_details: null,
    reason: transfer.reason,
    status: transfer.status,
    failures: transfer.failures,
    transfer_code: transfer.transferCode,
    titan_code: transfer.titanCode,
    transferred_at: transfer.transferredAt,
    id: transfer.id,
    integration: INTEGRATION_ID,
    request: transfer.id,
    recipient: transfer.recipientId,
    createdAt: transfer.createdAt,
    updatedAt: transfer.updatedAt,
  }
}

/** The transfer as verify, fetch and list show it (recipient embedded). */
export function transferDetailData(ctx: SandboxContext, transfer: TransferRecord): JsonObject {
  return {
    ...transferData(transfer),
    recipient: recipientData(recipientOf(ctx, transfer)),
    session: { provider: null, id: null },
    fee_charged: transfer.fee ?? 0,
    fees_breakdown: null,
    gateway_response: transfer.gatewayResponse,
  }
}

/** `transfer.*` event data: `integration` is an object here, unlike in API responses. */
export function transferEventData(ctx: SandboxContext, transfer: TransferRecord): JsonObject {
  return {
    ...transferDetailData(ctx, transfer),
    integration: { id: INTEGRATION_ID, is_live: false, business_name: ctx.options.merchantName },
    created_at: transfer.createdAt,
    updated_at: transfer.updatedAt,
  }
}

function subscriptionSummary(subscription: SubscriptionRecord): JsonObject {
  return {
    status: subscription.status,
    subscription_code: subscription.subscriptionCode,
    email_token: subscription.emailToken,
    amount: subscription.amount,
    cron_expression: null,
    next_payment_date: subscription.nextPaymentDate,
    open_invoice: null,
  }
}

export function subscriptionData(
  ctx: SandboxContext,
  subscription: SubscriptionRecord,
): JsonObject {
  const { state } = ctx.store
  const plan = must(
    state.plans.find((candidate) => candidate.id === subscription.planId),
    `plan ${subscription.planId}`,
  )
  const authorization = state.authorizations.find(
    (auth) => auth.code === subscription.authorizationCode,
  )
  return {
    ...subscriptionSummary(subscription),
    id: subscription.id,
    domain: 'test',
    integration: INTEGRATION_ID,
    quantity: 1,
    invoice_limit: subscription.invoiceLimit,
    payments_count: subscription.paymentsCount,
    plan: planData(plan),
    customer: customerData(customerOf(ctx, subscription.customerId)),
    authorization: authorization
      ? authorizationData(authorization)
      : subscription.authorizationCode,
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  }
}

export function invoiceData(ctx: SandboxContext, invoice: InvoiceRecord): JsonObject {
  const { state } = ctx.store
  const subscription = must(
    state.subscriptions.find((candidate) => candidate.id === invoice.subscriptionId),
    `subscription ${invoice.subscriptionId}`,
  )
  const transaction = state.transactions.find((t) => t.id === invoice.transactionId)
  const authorization = state.authorizations.find(
    (auth) => auth.code === subscription.authorizationCode,
  )
  return {
    domain: 'test',
    invoice_code: invoice.invoiceCode,
    amount: invoice.amount,
    period_start: invoice.periodStart,
    period_end: invoice.periodEnd,
    status: invoice.status,
    paid: invoice.status === 'success',
    paid_at: invoice.paidAt,
    description: null,
    authorization: authorization ? authorizationData(authorization) : null,
    subscription: subscriptionSummary(subscription),
    customer: customerData(customerOf(ctx, subscription.customerId)),
    transaction: transaction
      ? {
          reference: transaction.reference,
          status: transaction.status,
          amount: transaction.amount,
          currency: transaction.currency,
        }
      : null,
    created_at: invoice.createdAt,
  }
}
