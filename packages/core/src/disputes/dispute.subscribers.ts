import type { People } from '../accounts/people.port.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import type { Clock } from '../shared/clock.js'
import { systemCtx } from '../shared/ctx.js'
import type { Delivered, EventBus } from '../shared/events.js'
import type { StoreLookup } from '../stores/store.types.js'

export interface DisputeNoticeDeps {
  notifications: Pick<NotificationsService, 'deliver' | 'isMuted'>
  mail: Pick<MailService, 'send'>
  people: People
  stores: Pick<StoreLookup, 'getStore'>
  clock: Clock
}

/**
 * Tells both parties of every dispute step (`dispute.updated`): an inbox item (type `dispute`,
 * idempotent per event and user) and an email, each unless the person muted disputes on that
 * channel. Runs once per event for the whole marketplace; the relay retries a failure.
 */
export function registerDisputeSubscribers(events: EventBus, deps: DisputeNoticeDeps): void {
  events.subscribe('dispute.updated', 'disputes.notify', async (event) => {
    const store = await deps.stores.getStore(event.storeId)
    const parties = [
      { userId: event.buyerId, name: undefined as string | undefined },
      { userId: store.ownerId, name: store.name },
    ]
    for (const party of parties) await notify(deps, event, party)
  })
}

async function notify(
  deps: DisputeNoticeDeps,
  event: Delivered<'dispute.updated'>,
  party: { userId: string; name: string | undefined },
): Promise<void> {
  const now = deps.clock.now()
  await deps.notifications.deliver(now, {
    userId: party.userId,
    eventId: event.eventId,
    type: 'dispute',
    title: `Dispute on order ${event.orderId}: ${event.headline}`,
    body: event.detail,
    link: { orderId: event.orderId, storeId: event.storeId },
  })
  if (await deps.notifications.isMuted(party.userId, 'dispute', 'email')) return
  const person = await deps.people
    .get(systemCtx('disputes.mail', now), party.userId)
    .catch(() => undefined)
  if (!person) return
  await deps.mail.send(
    person.email,
    mailTemplates.disputeUpdated({
      name: party.name ?? person.name,
      disputeId: event.disputeId,
      orderId: event.orderId,
      headline: event.headline,
      detail: event.detail,
    }),
  )
}
