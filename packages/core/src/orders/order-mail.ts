import type { People } from '../accounts/people.port.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type OrderMailSummary } from '../mail/templates.js'
import { systemCtx } from '../shared/ctx.js'
import type { StoreLookup } from '../stores/store.types.js'
import { openAddress } from './address.cipher.js'
import type { OrderDoc, OrderGroupDoc } from './order.model.js'

type Recipient = { email: string; name: string; userId?: string }
type OrderMailType = 'order_update' | 'dispute' | 'refund'

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
    },
  ) {}

  private async person(id: string): Promise<Recipient | undefined> {
    return this.deps.people.get(systemCtx('orders.mail'), id).catch(() => undefined)
  }

  private async seller(storeId: string): Promise<Recipient | undefined> {
    const store = await this.deps.stores.getStore(storeId).catch(() => undefined)
    if (!store) return undefined
    const owner = await this.person(store.ownerId)
    return { email: owner?.email ?? store.contactEmail, name: store.name, userId: store.ownerId }
  }

  private async buyerOf(order: OrderDoc): Promise<Recipient | undefined> {
    const buyer = await this.person(order.buyerId)
    return buyer && { ...buyer, userId: order.buyerId }
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

  /**
   * A paid order for a store: its seller learns what to ship and where. This mail, `updated` and
   * `refunded` honour the recipient's email preferences; the payment confirmation always goes.
   */
  async received(order: OrderDoc): Promise<void> {
    const seller = await this.seller(order.storeId)
    if (!seller) return
    await this.deps.mail.sendAs(
      'order_update',
      seller,
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
    const type: OrderMailType =
      order.status === 'disputed' || order.status === 'resolved' ? 'dispute' : 'order_update'
    const [buyer, seller] = await Promise.all([
      to.buyer ? this.buyerOf(order) : undefined,
      to.seller ? this.seller(order.storeId) : undefined,
    ])
    const sends: Promise<void>[] = []
    for (const who of [buyer, seller]) {
      if (!who) continue
      sends.push(
        this.deps.mail.sendAs(
          type,
          who,
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
    const buyer = await this.buyerOf(order)
    if (!buyer) return
    await this.deps.mail.sendAs(
      'refund',
      buyer,
      mailTemplates.refundProcessed({ name: buyer.name, order: summaryOf(order), amount }),
    )
  }
}
