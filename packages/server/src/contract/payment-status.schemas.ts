import { ORDER_GROUP_STATUSES, type PublicPaymentStatus } from '@kloset/core'
import { z } from 'zod'
import type { Agrees, Assert } from './dto.schemas.js'

/** The checkout return page's view of a payment (`GET /api/v1/checkout/:reference/payment-status`). */
export const paymentStatusBody = z
  .strictObject({
    reference: z.string().meta({ example: 'ks_7f3a9c21' }),
    status: z.enum(ORDER_GROUP_STATUSES).meta({ example: 'awaiting_payment' }),
  })
  .meta({ id: 'PaymentStatus' })

export type PaymentStatusSchemaAgrees = Assert<
  Agrees<typeof paymentStatusBody, PublicPaymentStatus>
>
