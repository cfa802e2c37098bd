import { formatMoney, type PayoutDetailDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, renderTable } from '../../table.js'

export default class PayoutsShow extends KlosetCommand {
  static override summary =
    'Show a payout: amount, destination, balances seen, orders covered, attempts'
  static override examples = [
    '<%= config.bin %> payouts show 0123456789abcdef01234567',
    '<%= config.bin %> payouts show 0123456789abcdef01234567 --json',
  ]
  static override args = {
    payout: Args.string({ required: true, description: 'payout id or transfer reference' }),
  }

  async run(): Promise<{ payout: PayoutDetailDTO }> {
    const { args } = await this.parse(PayoutsShow)
    const core = await this.core()
    const payout = await core.payouts.get(this.ctx, args.payout)
    const money = (amount: number) => formatMoney(amount, payout.currency)
    this.say(
      renderRecord({
        id: payout.id,
        store: payout.storeId,
        period: payout.period,
        amount: money(payout.amount),
        status: payout.status,
        reference: payout.reference,
        attempt: payout.attempt,
        to: `${payout.bankName} ****${payout.accountNumberLast4} (${payout.accountName})`,
        'transfer code': payout.transferCode,
        'paystack status': payout.paystackStatus,
        'failure reason': payout.failureReason,
        attention: payout.attention,
        'last error': payout.lastError,
        'available before': money(payout.balanceBefore.available),
        'pending before': money(payout.balanceBefore.pending),
        created: payout.createdAt,
        sent: payout.sentAt,
        paid: payout.paidAt,
        failed: payout.failedAt,
      }),
    )
    this.say(
      `Covers ${payout.covers.orderIds.length}${payout.covers.truncated ? '+' : ''} order(s): ${payout.covers.orderIds.join(', ') || '-'}`,
    )
    if (payout.attempts.length > 0) {
      this.say(
        renderTable(
          ['attempt', 'reference', 'status', 'reason', 'ended'],
          payout.attempts.map((a) => [
            a.attempt,
            a.reference,
            a.status,
            a.failureReason,
            a.endedAt,
          ]),
        ),
      )
    }
    return { payout }
  }
}
