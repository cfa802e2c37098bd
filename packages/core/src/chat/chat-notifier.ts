import type { People } from '../accounts/people.port.js'
import type { KeyValueStore } from '../adapters/kv.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import type { Clock } from '../shared/clock.js'
import { systemCtx } from '../shared/ctx.js'
import type { Delivered, EventBus } from '../shared/events.js'
import type { ChatService } from './chat.service.js'

/** How long a socket counts its user as online without a refresh (the gateway refreshes it). */
export const PRESENCE_TTL_SECONDS = 75

const presenceKey = (userId: string) => `chat-presence:${userId}`

/**
 * Who has a WebSocket open, in the key-value store (Redis when set, so every instance sees
 * every socket): the gateway marks users on connect and on each heartbeat, and clears them when
 * their last socket on that instance closes.
 */
export class Presence {
  constructor(private kv: KeyValueStore) {}

  async online(userId: string): Promise<boolean> {
    return (await this.kv.get(presenceKey(userId))) !== undefined
  }

  async mark(userId: string): Promise<void> {
    await this.kv.set(presenceKey(userId), '1', PRESENCE_TTL_SECONDS)
  }

  async clear(userId: string): Promise<void> {
    await this.kv.del(presenceKey(userId))
  }
}

export interface ChatNotifierDeps {
  chat: ChatService
  presence: Presence
  kv: KeyValueStore
  notifications: Pick<NotificationsService, 'deliver' | 'isMuted'>
  mail: MailService
  people: People
  clock: Clock
  publicUrl: string
  intervalMinutes: number
}

/**
 * Tells an offline recipient about new messages: at most once per conversation per interval
 * (15 minutes by default), an inbox item (type `chat`) and an email without the message text,
 * each unless the recipient muted `chat` on that channel. A recipient with a socket open sees
 * the message live and gets neither.
 */
export function registerChatNotifier(events: EventBus, deps: ChatNotifierDeps): void {
  events.subscribe('chat.message_sent', 'chat.offline-notify', (event) => notify(deps, event))
}

async function notify(deps: ChatNotifierDeps, event: Delivered<'chat.message_sent'>) {
  const recipient = await deps.chat.recipientOf(event)
  if (await deps.presence.online(recipient.userId)) return
  const window = deps.intervalMinutes * 60
  const throttle = `chat-notified:${event.conversationId}:${recipient.userId}`
  if (!(await deps.kv.setIfAbsent(throttle, event.eventId, window))) return
  const from =
    event.senderRole === 'seller'
      ? ((await deps.chat.storeNameOf(event.storeId)) ?? 'A seller')
      : 'A buyer'
  const link = `${deps.publicUrl}/conversations/${event.conversationId}`
  await deps.notifications.deliver(deps.clock.now(), {
    userId: recipient.userId,
    eventId: event.eventId,
    type: 'chat',
    title: `New message from ${from}`,
    body: 'Open the conversation to read it.',
    link: { storeId: event.storeId },
  })
  if (await deps.notifications.isMuted(recipient.userId, 'chat', 'email')) return
  const person = await deps.people
    .get(systemCtx('chat.notify', deps.clock.now()), recipient.userId)
    .catch(() => undefined)
  if (!person) return
  await deps.mail.send(
    person.email,
    mailTemplates.chatMessageWaiting({
      name: person.name,
      from,
      link,
      minutes: deps.intervalMinutes,
    }),
  )
}
