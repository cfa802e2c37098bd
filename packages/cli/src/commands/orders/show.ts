import { type AdminOrderDTO, formatMoney } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, renderTable, renderTimeline, statusColour } from '../../table.js'

export default class OrdersShow extends KlosetCommand {
  static override summary = 'Show a store order: lines, money, payment reference and timeline'
  static override examples = [
    '<%= config.bin %> orders show 0123456789abcdef01234567',
    '<%= config.bin %> orders show 0123456789abcdef01234567 --json',
  ]
  static override args = { id: Args.string({ required: true, description: 'order id' }) }

  async run(): Promise<{ order: AdminOrderDTO }> {
    const { args } = await this.parse(OrdersShow)
    const core = await this.core()
    const order = await core.orders.get(this.ctx, args.id)
    const money = (amount: number) => formatMoney(amount, order.currency)
    this.say(
      renderRecord({
        id: order.id,
        group: order.orderGroupId,
        reference: order.paymentReference,
        store: `${order.storeName} (${order.storeId})`,
        buyer: order.buyerId,
        status: statusColour(order.status),
        total: money(order.total),
        commission: `${money(order.commission)} (${order.commissionRateBps / 100}%)`,
        'seller net': money(order.sellerNet),
        refunded: money(order.refundedAmount),
        shipment: order.shipment
          ? `${order.shipment.carrier} ${order.shipment.trackingNumber}`
          : undefined,
        'sale booked': order.saleRecorded,
        'funds released': order.fundsReleased,
      }),
    )
    this.say(
      renderTable(
        ['sku', 'item', 'qty', 'unit', 'total'],
        order.lines.map((l) => [
          l.sku,
          l.title,
          l.quantity,
          money(l.unitPrice),
          money(l.lineTotal),
        ]),
      ),
    )
    this.say(renderTimeline(order.timeline))
    return { order }
  }
}
