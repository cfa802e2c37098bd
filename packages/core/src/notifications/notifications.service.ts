import { op } from '../db/query.js'
import { type Ctx, requireUser } from '../shared/ctx.js'
import { NotFoundError, ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import type {
  InboxStateModel,
  NotificationDoc,
  NotificationLink,
  NotificationModel,
} from './notification.model.js'
import {
  type ListNotificationsQuery,
  NOTIFICATION_TYPES,
  type NotificationChannel,
  type NotificationType,
  UNMUTABLE_TYPES,
  type UpdatePreferencesBody,
} from './notification.schemas.js'

export interface NotificationDTO {
  id: string
  type: NotificationType
  title: string
  body: string
  link: NotificationLink
  createdAt: string
  seenAt: string | null
  readAt: string | null
  archivedAt: string | null
}

/** The unread badge: the count of unread, unarchived items, as of the inbox's change `seq`. */
export interface UnreadCount {
  unreadCount: number
  seq: number
}

/** Per type, whether each channel delivers; `mutable: false` types always deliver. */
export type NotificationPreferences = Record<
  NotificationType,
  { inApp: boolean; email: boolean; mutable: boolean }
>

/** A new inbox item, as the event subscribers make it. */
export interface NewNotification {
  userId: string
  eventId: string
  type: NotificationType
  title: string
  body: string
  link?: NotificationLink
  /** Delivered even when the user muted the type (refund and payout failures). */
  critical?: boolean
}

export interface NotificationsDeps {
  notifications: NotificationModel
  inboxes: InboxStateModel
  events: EventBus
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
const unreadFilter = { readAt: null, archivedAt: null }

/** Each user's inbox: items made from domain events, read state, preferences. */
export class NotificationsService {
  constructor(private deps: NotificationsDeps) {}

  /**
   * Adds an item to a user's inbox once per (event, user), unless the user muted the type in the
   * app, and announces it (`notification.created`) with the unread count. Returns false when the
   * item already existed or was muted.
   */
  async deliver(now: Date, item: NewNotification): Promise<boolean> {
    if (!item.critical && (await this.isMuted(item.userId, item.type, 'inApp'))) return false
    let doc: NotificationDoc
    try {
      doc = (
        await this.deps.notifications.create({
          userId: item.userId,
          eventId: item.eventId,
          type: item.type,
          title: item.title,
          body: item.body,
          link: item.link ?? {},
          createdAt: now,
        })
      ).toObject()
    } catch (error) {
      if (isDuplicateKey(error)) return false
      throw error
    }
    const badge = await this.bumpAndCount(item.userId)
    await this.deps.events.emit('notification.created', {
      userId: item.userId,
      notificationId: String(doc._id),
      type: doc.type,
      title: doc.title,
      unreadCount: badge.unreadCount,
      seq: badge.seq,
    })
    return true
  }

  /** Whether the user muted this type on this channel (unmutable types never are). */
  async isMuted(userId: string, type: NotificationType, channel: NotificationChannel) {
    if (UNMUTABLE_TYPES.includes(type)) return false
    const state = await this.deps.inboxes.findById(userId).lean()
    return state?.muted?.[channel]?.includes(type) ?? false
  }

  /** The signed-in user's items, newest first. Archived items show only with `archived=true`. */
  async list(ctx: Ctx, query: ListNotificationsQuery): Promise<Page<NotificationDTO>> {
    const userId = requireUser(ctx)
    const filter: Record<string, unknown> = {
      userId,
      ...afterIdCursor(query.cursor),
      archivedAt: query.archived ? op({ $ne: null }) : null,
    }
    if (query.unread) filter.readAt = null
    if (query.type) filter.type = query.type
    const rows = await this.deps.notifications
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toNotificationDTO, idCursorOf)
  }

  async unreadCount(ctx: Ctx): Promise<UnreadCount> {
    const userId = requireUser(ctx)
    const state = await this.deps.inboxes.findById(userId).lean()
    // The seq is read before counting, so the count includes every change up to it.
    const seq = state?.seq ?? 0
    return { unreadCount: await this.countUnread(userId), seq }
  }

  /** Marks one item read. @throws NotFoundError for an item that is not the user's. */
  async markRead(ctx: Ctx, id: string): Promise<NotificationDTO> {
    return this.setOnce(ctx, id, 'readAt')
  }

  /** Archives one item (it leaves the unread count). @throws NotFoundError */
  async archive(ctx: Ctx, id: string): Promise<NotificationDTO> {
    return this.setOnce(ctx, id, 'archivedAt')
  }

  /** Marks every unread item read; returns how many changed and the new badge. */
  async markAllRead(ctx: Ctx): Promise<{ updated: number } & UnreadCount> {
    const userId = requireUser(ctx)
    const result = await this.deps.notifications.updateMany(
      { userId, readAt: null },
      { $set: { readAt: ctx.now } },
    )
    if (result.modifiedCount === 0) return { updated: 0, ...(await this.unreadCount(ctx)) }
    return { updated: result.modifiedCount, ...(await this.badgeChanged(userId)) }
  }

  /** Marks every item seen (the inbox was opened); the unread count does not change. */
  async markAllSeen(ctx: Ctx): Promise<{ updated: number }> {
    const userId = requireUser(ctx)
    const result = await this.deps.notifications.updateMany(
      { userId, seenAt: null },
      { $set: { seenAt: ctx.now } },
    )
    return { updated: result.modifiedCount }
  }

  async preferences(ctx: Ctx): Promise<NotificationPreferences> {
    const userId = requireUser(ctx)
    const state = await this.deps.inboxes.findById(userId).lean()
    return toPreferences(state?.muted ?? { inApp: [], email: [] })
  }

  /**
   * Mutes or unmutes types per channel.
   * @throws ValidationError naming the type when asked to mute an unmutable type.
   */
  async updatePreferences(
    ctx: Ctx,
    input: UpdatePreferencesBody,
  ): Promise<NotificationPreferences> {
    const userId = requireUser(ctx)
    const state = await this.deps.inboxes.findById(userId).lean()
    const muted = {
      inApp: new Set(state?.muted?.inApp ?? []),
      email: new Set(state?.muted?.email ?? []),
    }
    for (const [type, channels] of Object.entries(input.types) as [
      NotificationType,
      Partial<Record<NotificationChannel, boolean>>,
    ][]) {
      for (const [channel, on] of Object.entries(channels) as [NotificationChannel, boolean][]) {
        if (on) muted[channel].delete(type)
        else if (UNMUTABLE_TYPES.includes(type))
          throw new ValidationError(`Notifications of type ${type} cannot be muted`, {
            [`types.${type}.${channel}`]: `${type} notifications cannot be muted`,
          })
        else muted[channel].add(type)
      }
    }
    const next = { inApp: [...muted.inApp], email: [...muted.email] }
    await this.deps.inboxes.updateOne(
      { _id: userId },
      { $set: { muted: next }, $setOnInsert: { seq: 0 } },
      { upsert: true },
    )
    return toPreferences(next)
  }

  private async setOnce(
    ctx: Ctx,
    id: string,
    field: 'readAt' | 'archivedAt',
  ): Promise<NotificationDTO> {
    const userId = requireUser(ctx)
    if (!isId(id)) throw new NotFoundError('Notification')
    const changed = await this.deps.notifications
      .findOneAndUpdate(
        { _id: id, userId, [field]: null },
        { $set: { [field]: ctx.now } },
        { returnDocument: 'after' },
      )
      .lean()
    if (changed) {
      await this.badgeChanged(userId)
      return toNotificationDTO(changed)
    }
    // Already read (or archived): the same answer, no change.
    const row = await this.deps.notifications.findOne({ _id: id, userId }).lean()
    if (!row) throw new NotFoundError('Notification')
    return toNotificationDTO(row)
  }

  /** After a read or an archive: the new badge, pushed to the user's other devices. */
  private async badgeChanged(userId: string): Promise<UnreadCount> {
    const badge = await this.bumpAndCount(userId)
    await this.deps.events.emit('notification.badge_changed', { userId, ...badge })
    return badge
  }

  /**
   * After a change: bumps the inbox's `seq`, then counts. The count includes every change up to
   * that seq (maybe later ones too, which carry a higher seq), so a client that keeps the badge
   * with the highest seq never shows a stale one.
   */
  private async bumpAndCount(userId: string): Promise<UnreadCount> {
    const state = await this.deps.inboxes
      .findOneAndUpdate(
        { _id: userId },
        { $inc: { seq: 1 }, $setOnInsert: { muted: { inApp: [], email: [] } } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean()
    return { unreadCount: await this.countUnread(userId), seq: state?.seq ?? 1 }
  }

  /**
   * Unread items, counted up to UNREAD_COUNT_CAP (a badge shows "99+"): a user with tens of
   * thousands of items (a busy seller) would otherwise make every new item and every badge read
   * count them all, which the embedded engine does document by document (docs/benchmarks.md).
   */
  private countUnread(userId: string): Promise<number> {
    return this.deps.notifications.countDocuments(
      { userId, ...unreadFilter },
      { limit: UNREAD_COUNT_CAP },
    )
  }
}

/** The highest unread count reported: 100 means "100 or more". */
export const UNREAD_COUNT_CAP = 100

function toPreferences(muted: {
  inApp: NotificationType[]
  email: NotificationType[]
}): NotificationPreferences {
  return Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => {
      const mutable = !UNMUTABLE_TYPES.includes(type)
      return [
        type,
        {
          inApp: !mutable || !muted.inApp.includes(type),
          email: !mutable || !muted.email.includes(type),
          mutable,
        },
      ]
    }),
  ) as NotificationPreferences
}

const iso = (date: Date | undefined | null) => (date ? date.toISOString() : null)

function toNotificationDTO(row: NotificationDoc): NotificationDTO {
  return {
    id: String(row._id),
    type: row.type,
    title: row.title,
    body: row.body,
    link: row.link ?? {},
    createdAt: row.createdAt.toISOString(),
    seenAt: iso(row.seenAt),
    readAt: iso(row.readAt),
    archivedAt: iso(row.archivedAt),
  }
}
