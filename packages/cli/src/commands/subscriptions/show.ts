import { formatMoney, type InvoiceDTO, type SubscriptionDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, renderTable, statusColour } from '../../table.js'

export default class SubscriptionsShow extends KlosetCommand {
  static override summary = "Show one store's subscription: status, history and latest invoices"
  static override examples = [
    '<%= config.bin %> subscriptions show 65f1c0ffee0000000000abcd --json',
  ]

  static override args = {
    store: Args.string({ required: true, description: 'store id' }),
  }

  async run(): Promise<{ subscription: SubscriptionDTO; invoices: InvoiceDTO[] }> {
    const { args } = await this.parse(SubscriptionsShow)
    const core = await this.core()
    const result = await core.subscriptions.get(this.ctx, args.store)
    const { history, authorizationUrl: _url, ...rest } = result.subscription
    const shown = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v ?? '']))
    this.say(renderRecord({ ...shown, status: statusColour(rest.status) }))
    this.say(
      renderTable(
        ['at', 'from', 'to', 'plan', 'reason', 'by'],
        history.map((h) => [h.at, h.from ?? '', h.to, h.planCode, h.reason, h.by]),
      ),
    )
    this.say(
      renderTable(
        ['invoice', 'plan', 'amount', 'status', 'period end', 'paid at'],
        result.invoices.map((i) => [
          i.code,
          i.planCode,
          formatMoney(i.amount, i.currency),
          statusColour(i.status),
          i.periodEnd ?? '',
          i.paidAt ?? '',
        ]),
      ),
    )
    return result
  }
}
