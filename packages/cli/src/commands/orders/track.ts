import { type OrderTrackingDTO, TRACKING_STATUSES, trackingCheckpointBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class OrdersTrack extends KlosetCommand {
  static override summary = 'Post a tracking checkpoint on a shipped order, for its seller'
  static override description =
    'The same as POST /api/v1/admin/orders/:id/tracking: the checkpoint is stored on the order, pushed on order:<id> and store:<id> as order.tracking_updated, and written to the audit log. A delivered checkpoint is refused (exit 4, transition_not_allowed): the transition table leaves delivery to the seller, the buyer or the timer.'
  static override examples = [
    '<%= config.bin %> orders track 6650c0ffee0ddba11ca7e001 --status in_transit --location "Ibadan hub"',
    '<%= config.bin %> orders track 6650c0ffee0ddba11ca7e001 --status failed_attempt --note "Nobody home" --at 2026-12-07T10:15:00+01:00',
  ]

  static override args = { id: Args.string({ required: true, description: 'order id' }) }
  static override flags = {
    status: Flags.string({
      required: true,
      options: [...TRACKING_STATUSES],
      summary: 'What happened',
    }),
    location: Flags.string({ summary: 'Where' }),
    note: Flags.string({ summary: 'A note the buyer and the seller see' }),
    at: Flags.string({ summary: 'When (ISO 8601 with an offset; default now; not in the future)' }),
    carrier: Flags.string({ summary: 'A new carrier (a hand-over)' }),
    'tracking-number': Flags.string({ summary: 'The new carrier’s tracking number' }),
    'estimated-delivery-date': Flags.string({ summary: 'YYYY-MM-DD' }),
  }

  async run(): Promise<{ tracking: OrderTrackingDTO }> {
    const { args, flags } = await this.parse(OrdersTrack)
    const optional = {
      location: flags.location,
      note: flags.note,
      at: flags.at,
      carrier: flags.carrier,
      trackingNumber: flags['tracking-number'],
      estimatedDeliveryDate: flags['estimated-delivery-date'],
    }
    const input = this.validate(trackingCheckpointBody, {
      status: flags.status,
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    })
    const core = await this.core()
    const tracking = await core.orders.addTrackingCheckpoint(this.ctx, args.id, input)
    this.say(
      renderTable(
        ['at', 'status', 'location', 'note', 'carrier', 'by'],
        tracking.checkpoints.map((c) => [
          c.at,
          c.status,
          c.location,
          c.note,
          `${c.carrier} ${c.trackingNumber}`,
          c.postedBy,
        ]),
      ),
    )
    return { tracking }
  }
}
