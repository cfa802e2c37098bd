import { RECONCILE_ITEM_STATUSES, type ReconcileItemDTO } from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, id, pageOf } from './dto.schemas.js'

/* What the reconcile routes answer with (issue 13, section 2), checked against the core DTO. */

const strict = z.strictObject
const minor = z.number().int().meta({ description: 'Minor units (kobo); may be negative' })

export const reconcileItemDTO = strict({
  id,
  kind: z.string().meta({
    description: 'What disagrees (docs/operations.md, "Reconcile items")',
    example: 'charge_without_paid_order',
  }),
  subject: z.string().meta({
    description: 'A payment reference, order id, refund id, transfer reference or currency',
    example: 'kg-6750a1f2c3d4e5f6a7b8c9d0',
  }),
  message: z.string().meta({
    example: 'Paystack charged 990000 NGN but no order group is paid for it',
  }),
  expected: minor.optional(),
  actual: minor.optional(),
  status: z.enum(RECONCILE_ITEM_STATUSES),
  date: z
    .string()
    .meta({ description: 'The UTC day of the run that last saw it', example: '2026-12-06' }),
  firstSeenAt: at,
  lastSeenAt: at,
  timesSeen: count.meta({ example: 1 }),
  clearedAt: at.optional(),
  resolvedAt: at.optional(),
  resolvedBy: z.string().optional().meta({ example: 'admin:6750a1f2c3d4e5f6a7b8c9d0' }),
  resolution: z.string().optional().meta({ example: 'Refunded in the Paystack dashboard' }),
}).meta({ id: 'ReconcileItem' })

export const reconcileItemsPage = pageOf(reconcileItemDTO)
export const reconcileItemBody = strict({ item: reconcileItemDTO })

export type ReconcileSchemasAgree = [Assert<Agrees<typeof reconcileItemDTO, ReconcileItemDTO>>]
