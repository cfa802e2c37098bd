import {
  type AuditEntryDTO,
  NOTIFICATION_TYPES,
  type NotificationDTO,
  type NotificationPreferences,
  type PaymentEventDTO,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, id, strict } from './common.schemas.js'

/* Notifications and their preferences, the audit log and the payment events. (The contract: common.schemas.ts.) */

export const notificationDTO = strict({
  id,
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  link: strict({
    orderId: z.string().optional(),
    storeId: z.string().optional(),
    productId: z.string().optional(),
    payoutId: z.string().optional(),
    refundId: z.string().optional(),
  }),
  createdAt: at,
  seenAt: at.nullable(),
  readAt: at.nullable(),
  archivedAt: at.nullable(),
}).meta({ id: 'Notification' })
const channelFlags = strict({ inApp: z.boolean(), email: z.boolean(), mutable: z.boolean() })
export const notificationPreferences = strict(
  Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, channelFlags])) as Record<
    (typeof NOTIFICATION_TYPES)[number],
    typeof channelFlags
  >,
).meta({ id: 'NotificationPreferences' })

export const auditEntryDTO = strict({
  id,
  at,
  actor: z.string(),
  action: z.string().meta({ example: 'store.approve' }),
  target: strict({ type: z.string(), id: z.string() }),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'AuditEntry' })

export const paymentEventDTO = strict({
  id,
  key: z.string(),
  provider: z.literal('paystack'),
  event: z.string().meta({ example: 'charge.success' }),
  reference: z.string().nullable(),
  status: z.string().nullable(),
  receivedAt: at,
}).meta({ id: 'PaymentEvent' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type NotificationsSchemasAgree = [
  Assert<Agrees<typeof notificationDTO, NotificationDTO>>,
  Assert<Agrees<typeof notificationPreferences, NotificationPreferences>>,
  Assert<Agrees<typeof auditEntryDTO, AuditEntryDTO>>,
  Assert<Agrees<typeof paymentEventDTO, PaymentEventDTO>>,
]
