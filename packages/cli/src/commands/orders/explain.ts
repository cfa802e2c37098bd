import { formatMoney, type OrderExplanation } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTimeline, statusColour } from '../../table.js'

export default class OrdersExplain extends KlosetCommand {
  static override summary =
    'Explain an order: how it got here, who can move it where next, and its pending timers'
  static override examples = ['<%= config.bin %> orders explain 0123456789abcdef01234567']
  static override args = { id: Args.string({ required: true, description: 'order id' }) }

  async run(): Promise<OrderExplanation> {
    const { args } = await this.parse(OrdersExplain)
    const core = await this.core()
    const explained = await core.orders.explain(this.ctx, args.id)
    const { order, orderGroup } = explained
    this.say(
      `Order ${order.id} of ${order.storeName} is ${statusColour(order.status)}; its checkout ${orderGroup.reference} is ${orderGroup.status}.`,
    )
    if (orderGroup.paymentIssue) {
      this.say(`Payment issue: ${orderGroup.paymentIssue.code}: ${orderGroup.paymentIssue.message}`)
    }
    this.say(renderTimeline(order.timeline))
    this.say(
      explained.next.length === 0
        ? 'Next: nothing; this is a final state.'
        : `Next: ${explained.next.map((m) => `${m.to} (by ${m.who.join(' or ')})`).join('; ')}`,
    )
    for (const timer of explained.timers)
      this.say(`Timer: ${timer.name} at ${timer.at}: ${timer.note}`)
    for (const refund of explained.refunds) {
      this.say(
        `Refund ${refund.id}: ${formatMoney(refund.amount, refund.currency)} ${refund.status} (${refund.reason})`,
      )
    }
    return explained
  }
}
