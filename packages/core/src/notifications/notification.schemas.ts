import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

/** Every kind of inbox item. `chat`: new messages for an offline recipient (docs/chat.md). */
export const NOTIFICATION_TYPES = [
  'order_update',
  'payment',
  'refund',
  'payout',
  'store_decision',
  'product_decision',
  'dispute',
  'security',
  'chat',
  'wishlist',
  /** Administrators: a reconciliation mismatch to resolve (docs/operations.md). */
  'reconcile',
] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

/**
 * Types nobody can mute on any channel: account security and payment problems. Refund and payout
 * failures are always delivered too, whatever the `refund` / `payout` preference says.
 */
export const UNMUTABLE_TYPES: readonly NotificationType[] = ['security', 'payment']

export const NOTIFICATION_CHANNELS = ['inApp', 'email'] as const
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number]

const flag = z.enum(['true', 'false']).transform((v) => v === 'true')

/** The inbox, newest first: only unread, one type, or the archive (otherwise archived are left out). */
export const listNotificationsQuery = pageQuery.extend({
  unread: flag.optional(),
  type: z.enum(NOTIFICATION_TYPES).optional(),
  archived: flag.optional(),
})
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>

/** A type's channels: `true` delivers, `false` mutes. Types left out keep their setting. */
export const updatePreferencesBody = z
  .object({
    types: z.partialRecord(
      z.enum(NOTIFICATION_TYPES),
      z.object({ inApp: z.boolean().optional(), email: z.boolean().optional() }).strict(),
    ),
  })
  .strict()
export type UpdatePreferencesBody = z.infer<typeof updatePreferencesBody>
