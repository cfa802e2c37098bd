import {
  CURRENCIES,
  INVOICE_STATUSES,
  type InvoiceDTO,
  type Page,
  PLAN_INTERVALS,
  PLAN_STATUSES,
  type PlanDTO,
  type SellerPlanView,
  SUBSCRIPTION_STATUSES,
  type SubscriptionDTO,
  type SubscriptionHistoryEntry,
  type SubscriptionsService,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, pageOf, planPolicy, storeDTO } from './dto.schemas.js'

/*
 * Seller plans and subscriptions (docs/plans.md): the shapes of what the plan routes answer
 * with, guarded against their core DTOs at the bottom like dto.schemas.ts.
 */

const strict = z.strictObject
// The field shapes dto.schemas.ts uses, taken from its schemas rather than written again.
const { id, createdAt: at } = storeDTO.shape
const kobo = z.number().int().meta({ description: 'Minor units (kobo)', example: 1500000 })
const subscriptionStatus = z.enum(SUBSCRIPTION_STATUSES)
const nullableAt = at.nullable()

export const planDTO = strict({
  ...planPolicy.shape,
  code: z.string().meta({ example: 'pro' }),
  name: z.string().meta({ example: 'Pro' }),
  description: z.string().meta({ example: 'Lower commission and the featured shelf' }),
  amount: kobo.meta({ description: 'Price per interval in kobo; 0 for the free tier' }),
  currency: z.enum(CURRENCIES),
  interval: z.enum(PLAN_INTERVALS).nullable().meta({ description: 'null for the free tier' }),
  paystackPlanCode: z
    .string()
    .nullable()
    .meta({ description: 'null for the free tier', example: 'PLN_gx2wn530m0i3w3m' }),
  status: z.enum(PLAN_STATUSES),
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Plan' })

const subscriptionHistoryEntry = strict({
  from: subscriptionStatus.nullable(),
  to: subscriptionStatus,
  planCode: z.string().meta({ example: 'pro' }),
  reason: z.string().meta({ example: 'subscription.create' }),
  by: z.string().meta({ example: 'system' }),
  at,
}).meta({ id: 'SubscriptionHistoryEntry' })

export const subscriptionDTO = strict({
  id,
  storeId: id,
  planCode: z.string().meta({ example: 'pro' }),
  status: subscriptionStatus,
  pendingPlanCode: z
    .string()
    .nullable()
    .meta({ description: 'The plan that replaces this one at the end of the paid period' }),
  authorizationUrl: z.string().nullable().meta({
    description: 'The Paystack checkout to pay while incomplete; null otherwise',
    example: 'https://checkout.paystack.com/0peioxfhpn',
  }),
  customerEmail: z.string().meta({ example: 'ada@example.com' }),
  paystackSubscriptionCode: z.string().nullable().meta({ example: 'SUB_vsyqdmlzble3uii' }),
  currentPeriodEnd: nullableAt,
  graceUntil: nullableAt.meta({
    description: 'While attention: when the store falls back to the free tier',
  }),
  remindersSent: z.number().int().meta({ example: 0 }),
  history: z.array(subscriptionHistoryEntry),
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Subscription' })

export const invoiceDTO = strict({
  id,
  storeId: id,
  code: z.string().meta({
    description: '`INV_...` for a renewal; the transaction reference for the first charge',
    example: 'INV_xw3jaq7s2cde',
  }),
  planCode: z.string().meta({ example: 'pro' }),
  amount: kobo,
  currency: z.enum(CURRENCIES),
  status: z.enum(INVOICE_STATUSES),
  periodStart: nullableAt,
  periodEnd: nullableAt,
  paidAt: nullableAt,
  transactionReference: z.string().nullable().meta({ example: 'sub_6750a1f2_1733043600' }),
  createdAt: at,
}).meta({ id: 'PlanInvoice' })

export const sellerPlanView = strict({
  policy: planPolicy,
  subscription: subscriptionDTO.nullable(),
})

export const plansBody = strict({ plans: z.array(planDTO) })
export const planBody = strict({ plan: planDTO })
export const subscriptionBody = strict({ subscription: subscriptionDTO })
export const subscriptionsPage = pageOf(subscriptionDTO)
export const invoicesPage = pageOf(invoiceDTO)
export const subscriptionDetailBody = strict({
  subscription: subscriptionDTO,
  invoices: z.array(invoiceDTO),
})

export type PlanSchemasAgree = [
  Assert<Agrees<typeof planDTO, PlanDTO>>,
  Assert<Agrees<typeof subscriptionHistoryEntry, SubscriptionHistoryEntry>>,
  Assert<Agrees<typeof subscriptionDTO, SubscriptionDTO>>,
  Assert<Agrees<typeof invoiceDTO, InvoiceDTO>>,
  Assert<Agrees<typeof sellerPlanView, SellerPlanView>>,
  Assert<Agrees<typeof subscriptionsPage, Page<SubscriptionDTO>>>,
  Assert<Agrees<typeof invoicesPage, Page<InvoiceDTO>>>,
  Assert<Agrees<typeof subscriptionDetailBody, Awaited<ReturnType<SubscriptionsService['get']>>>>,
]
