import {
  DISPUTE_OUTCOMES,
  DISPUTE_REASONS,
  DISPUTE_SOURCES,
  DISPUTE_STATUSES,
  type DisputeDTO,
} from '@kloset/core'
import { z } from 'zod'
import {
  type Agrees,
  type Assert,
  at,
  currency,
  id,
  kobo,
  orderDTO,
  pageOf,
} from './dto.schemas.js'

/*
 * What the dispute routes answer with (docs/disputes.md): one case as its buyer, its store's
 * seller and administrators read it, and the bodies that carry it.
 */

const strict = z.strictObject
const disputeStatus = z.enum(DISPUTE_STATUSES)
const actor = z.enum(['buyer', 'seller', 'admin', 'system'])

export const disputeDTO = strict({
  id,
  orderId: id,
  storeId: id,
  buyerId: id,
  source: z.enum(DISPUTE_SOURCES),
  status: disputeStatus,
  reason: z.enum(DISPUTE_REASONS),
  description: z.string().meta({ example: 'The parcel never arrived.' }),
  amount: kobo.meta({
    description: 'The order total when the case opened: the most the buyer can get back',
  }),
  currency,
  deadlines: strict({
    sellerDueAt: at.optional(),
    buyerDueAt: at.optional(),
    adminDueAt: at.optional(),
  }),
  overdue: z.boolean().meta({
    description: 'True once an escalated case passed its 48-hour decision deadline',
    example: false,
  }),
  evidence: z.array(
    strict({
      id,
      by: actor,
      kind: z.enum(['note', 'photo', 'timeline']),
      text: z.string().optional(),
      photo: strict({
        url: z.string().meta({ example: '/media/disputes/6750a1f2/photo.webp' }),
        width: z.number().int().meta({ example: 1200 }),
        height: z.number().int().meta({ example: 1600 }),
      }).optional(),
      at,
    }),
  ),
  history: z.array(
    strict({
      from: disputeStatus.optional(),
      to: disputeStatus,
      actor: z.string().meta({ example: 'buyer:6750a1f2c3d4e5f6a7b8c9d0' }),
      note: z.string().optional(),
      at,
    }),
  ),
  resolution: strict({
    outcome: z.enum(DISPUTE_OUTCOMES),
    amount: kobo.meta({ description: 'What the buyer gets back (0 on release)' }),
    reason: z.string(),
    decidedBy: z.string(),
    at,
    refundId: z.string().optional(),
  }).optional(),
  paystack: strict({
    disputeId: z.number().int().meta({ example: 1048576 }),
    status: z.string().meta({ example: 'awaiting-merchant-feedback' }),
    dueAt: at.optional(),
    evidenceSubmitted: z.boolean(),
    resolution: z.string().optional(),
  }).optional(),
  openedAt: at,
  updatedAt: at,
}).meta({ id: 'Dispute' })

export const disputeBody = strict({ dispute: disputeDTO })
export const disputesPage = pageOf(disputeDTO)
/** `POST /api/v1/orders/:id/dispute`: the new case and the order it froze. */
export const disputeOpenedBody = strict({ dispute: disputeDTO, order: orderDTO })

// Compile-time guard: the schema's output type and the core DTO must be the same type.
export type DisputeSchemasAgree = [Assert<Agrees<typeof disputeDTO, DisputeDTO>>]
