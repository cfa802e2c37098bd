import { type DisputeDTO, formatMoney } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, renderTable, statusColour } from '../../table.js'

export default class DisputesShow extends KlosetCommand {
  static override summary = 'Show a dispute case: deadlines, evidence bundle, history, resolution'
  static override examples = [
    '<%= config.bin %> disputes show 6751f3b0c1d2e3f4a5b6c7e1',
    '<%= config.bin %> disputes show 6751f3b0c1d2e3f4a5b6c7e1 --json',
  ]
  static override args = { id: Args.string({ required: true, description: 'dispute id' }) }

  async run(): Promise<{ dispute: DisputeDTO }> {
    const { args } = await this.parse(DisputesShow)
    const core = await this.core()
    const d = await core.disputes.get(this.ctx, args.id)
    const money = (amount: number) => formatMoney(amount, d.currency)
    this.say(
      renderRecord({
        id: d.id,
        order: d.orderId,
        store: d.storeId,
        buyer: d.buyerId,
        source: d.source,
        status: statusColour(d.overdue ? `${d.status} (overdue)` : d.status),
        reason: d.reason,
        description: d.description,
        amount: money(d.amount),
        'seller due': d.deadlines.sellerDueAt,
        'buyer due': d.deadlines.buyerDueAt,
        'admin due': d.deadlines.adminDueAt,
        paystack: d.paystack
          ? `dispute ${d.paystack.disputeId}, ${d.paystack.status}${d.paystack.dueAt ? `, due ${d.paystack.dueAt}` : ''}`
          : undefined,
        resolution: d.resolution
          ? `${d.resolution.outcome} ${money(d.resolution.amount)} by ${d.resolution.decidedBy}: ${d.resolution.reason}`
          : undefined,
      }),
    )
    this.say(
      renderTable(
        ['at', 'by', 'kind', 'evidence'],
        d.evidence.map((e) => [
          e.at.slice(0, 19).replace('T', ' '),
          e.by,
          e.kind,
          e.text ?? e.photo?.url ?? '',
        ]),
      ),
    )
    this.say(
      renderTable(
        ['at', 'move', 'by', 'note'],
        d.history.map((h) => [
          h.at.slice(0, 19).replace('T', ' '),
          `${h.from ?? '·'} → ${h.to}`,
          h.actor,
          h.note ?? '',
        ]),
      ),
    )
    return { dispute: d }
  }
}
