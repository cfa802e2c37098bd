import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { NOTIFICATION_TYPES, type NotificationType } from './notification.schemas.js'

/** What a notification points at, so a client can open it. */
export interface NotificationLink {
  orderId?: string
  storeId?: string
  productId?: string
  payoutId?: string
  refundId?: string
}

/** One item of a user's inbox, made once per (event, user). */
export interface NotificationDoc {
  _id: Types.ObjectId
  userId: string
  /** The domain event it was made from: with `userId`, its unique key. */
  eventId: string
  type: NotificationType
  title: string
  body: string
  link: NotificationLink
  createdAt: Date
  seenAt?: Date
  readAt?: Date
  archivedAt?: Date
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    userId: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, enum: NOTIFICATION_TYPES, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    link: {
      orderId: String,
      storeId: String,
      productId: String,
      payoutId: String,
      refundId: String,
    },
    createdAt: { type: Date, required: true },
    seenAt: Date,
    readAt: Date,
    archivedAt: Date,
  },
  { collection: 'notifications', versionKey: false },
)
// A retried subscriber inserts the same (event, user) again: the duplicate key says it is there.
notificationSchema.index({ eventId: 1, userId: 1 }, { unique: true })
notificationSchema.index({ userId: 1, _id: -1 })

export type NotificationModel = Model<NotificationDoc>
export const createNotificationModel = (conn: Connection): NotificationModel =>
  conn.models.Notification ?? conn.model<NotificationDoc>('Notification', notificationSchema)

/**
 * Per user: the inbox's change counter (`seq`, bumped after every change that can move the
 * unread count) and the muted channels per type. `_id` is the user id.
 */
export interface InboxStateDoc {
  _id: string
  seq: number
  muted: { inApp: NotificationType[]; email: NotificationType[] }
}

const inboxStateSchema = new Schema<InboxStateDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
    muted: {
      inApp: { type: [String], default: [] },
      email: { type: [String], default: [] },
    },
  },
  { collection: 'notification_inboxes', versionKey: false },
)

export type InboxStateModel = Model<InboxStateDoc>
export const createInboxStateModel = (conn: Connection): InboxStateModel =>
  conn.models.NotificationInbox ?? conn.model<InboxStateDoc>('NotificationInbox', inboxStateSchema)
