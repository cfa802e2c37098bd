import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type OrderMailSummary } from '../mail/templates.js'
import { systemCtx } from '../shared/ctx.js'
import type { StoreOwners } from '../stores/store.service.js'
import type { StoreLookup } from '../stores/store.types.js'
import { openAddress } from './address.cipher.js'
import type { OrderDoc, OrderGroupDoc } from './order.model.js'

/** People by id, for mail: UsersService satisfies it (administrator or system context). */
export type People = StoreOwners

/** Whether a user muted a notification type by email (NotificationsService satisfies it). */
export interface EmailPreferences {
  isMuted(
    userId: string,
    type: 'order_update' | 'dispute' | 'refund',
    channel: 'email',
  ): Promise<boolean>
}

type Recipient = { email: string; name: string }

export const summaryOf = (order: OrderDoc): OrderMailSummary => ({
  orderId: String(order._id),
  storeName: order.storeName,
  lines: order.lines.map((l) => ({
    title: l.title,
    variant: l.options.map((o) => `${o.name} ${o.value}`).join(', '),
    quantity: l.quantity,
    lineTotal: l.lineTotal,
  })),
  subtotal: order.subtotal,
  shipping: order.shipping,
  total: order.total,
  currency: order.currency,
})

const addressLine = (order: OrderDoc) => {
  const a = openAddress(order.shippingAddress)
  return [a.name, a.phone, a.line1, a.line2, a.city, a.state, a.country, a.postalCode]
    .filter(Boolean)
    .join(', ')
}

/**
 * Order emails to buyers and sellers. Sending never fails the business step that triggered it
 * (MailService logs failures); an address that cannot be found is skipped.
 */
export class OrderMail {
  constructor(
    private deps: {
      mail: MailService
      people: People
      stores: StoreLookup
      /** Honoured by `received`, `updated` and `refunded`; the payment confirmation always goes. */
      preferences?: EmailPreferences
    },
  ) {}

  private async person(id: string): Promise<Recipient | undefined> {
    return this.deps.people.get(systemCtx('orders.mail'), id).catch(() => undefined)
  }

  private async seller(storeId: string): Promise<(Recipient & { userId: string }) | undefined> {
    const store = await this.deps.stores.getStore(storeId).catch(() => undefined)
    if (!store) return undefined
    const owner = await this.person(store.ownerId)
    return { email: owner?.email ?? store.contactEmail, name: store.name, userId: store.ownerId }
  }

  /** The recipient, unless they muted this type of mail. */
  private async unlessMuted(
    who: (Recipient & { userId: string }) | undefined,
    type: 'order_update' | 'dispute' | 'refund',
  ): Promise<Recipient | undefined> {
    if (!who || (await this.deps.preferences?.isMuted(who.userId, type, 'email'))) return undefined
    return who
  }

  private async buyerOf(order: OrderDoc, type: 'order_update' | 'dispute' | 'refund') {
    const buyer = await this.person(order.buyerId)
    return this.unlessMuted(buyer && { ...buyer, userId: order.buyerId }, type)
  }

  /** Payment confirmed: one email to the buyer for the whole group. */
  async confirmed(group: OrderGroupDoc, orders: OrderDoc[]): Promise<void> {
    const buyer = await this.person(group.buyerId)
    if (!buyer) return
    await this.deps.mail.send(
      buyer.email,
      mailTemplates.orderConfirmed({
        name: buyer.name,
        reference: group.reference,
        orders: orders.map(summaryOf),
        total: group.total,
        currency: group.currency,
      }),
    )
  }

  /** A paid order for a store: its seller learns what to ship and where. */
  async received(order: OrderDoc): Promise<void> {
    const seller = await this.unlessMuted(await this.seller(order.storeId), 'order_update')
    if (!seller) return
    await this.deps.mail.send(
      seller.email,
      mailTemplates.orderReceived({
        storeName: seller.name,
        order: summaryOf(order),
        shipTo: addressLine(order),
      }),
    )
  }

  /** A step of an order's life, told to the buyer, the seller, or both. */
  async updated(
    order: OrderDoc,
    to: { buyer: boolean; seller: boolean },
    headline: string,
    detail?: string,
  ): Promise<void> {
    const summary = summaryOf(order)
    const type =
      order.status === 'disputed' || order.status === 'resolved' ? 'dispute' : 'order_update'
    const [buyer, seller] = await Promise.all([
      to.buyer ? this.buyerOf(order, type) : undefined,
      to.seller ? this.seller(order.storeId).then((who) => this.unlessMuted(who, type)) : undefined,
    ])
    const sends: Promise<void>[] = []
    for (const who of [buyer, seller]) {
      if (!who) continue
      sends.push(
        this.deps.mail.send(
          who.email,
          mailTemplates.orderUpdated({
            name: who.name,
            order: summary,
            headline,
            ...(detail ? { detail } : {}),
          }),
        ),
      )
    }
    await Promise.all(sends)
  }

  /** Money is back with the buyer. */
  async refunded(order: OrderDoc, amount: number): Promise<void> {
    const buyer = await this.buyerOf(order, 'refund')
    if (!buyer) return
    await this.deps.mail.send(
      buyer.email,
      mailTemplates.refundProcessed({ name: buyer.name, order: summaryOf(order), amount }),
    )
  }
}
