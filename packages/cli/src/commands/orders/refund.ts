import { randomUUID } from 'node:crypto'
import { formatMoney, type RefundPreview, type RefundResult, refundOrderBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { dryRunFlag, yesFlag } from '../../flags.js'

export default class OrdersRefund extends KlosetCommand {
  static override summary = 'Refund all or part of a paid order through Paystack'
  static override description =
    'Without --amount, refunds what is left of the order. Never more than was paid less earlier refunds. Asks for confirmation unless --yes; under --json without --yes it refuses. --key makes a retry safe: the same key never refunds twice.'
  static override examples = [
    '<%= config.bin %> orders refund 6650c0ffee0ddba11ca7e001 --reason "Damaged in transit" --dry-run',
    '<%= config.bin %> orders refund 6650c0ffee0ddba11ca7e001 --amount 250000 --reason "Missing belt" --yes',
  ]

  static override args = { id: Args.string({ required: true, description: 'order id' }) }
  static override flags = {
    amount: Flags.integer({ min: 1, summary: 'Kobo to refund (default: all that is left)' }),
    reason: Flags.string({ required: true, summary: 'Why (audit log; the buyer sees it)' }),
    key: Flags.string({ summary: 'Idempotency key (default: a new one per run)' }),
    'dry-run': dryRunFlag('Show what would be refunded; refund nothing'),
    yes: yesFlag,
  }

  async run(): Promise<(RefundPreview & { dryRun: boolean; declined?: true }) | RefundResult> {
    const { args, flags } = await this.parse(OrdersRefund)
    const input = this.validate(refundOrderBody, {
      reason: flags.reason,
      ...(flags.amount !== undefined ? { amount: flags.amount } : {}),
    })
    const core = await this.core()
    const preview = await core.refunds.preview(this.ctx, args.id, input)
    const what = `${formatMoney(preview.amount, preview.order.currency)} of order ${preview.order.id} (${preview.order.storeName}; ${formatMoney(preview.refundable, preview.order.currency)} refundable)`
    if (flags['dry-run']) {
      this.say(`Would refund ${what}. Nothing was refunded.`)
      return { ...preview, dryRun: true }
    }
    if (
      !(await this.confirmed(
        flags.yes,
        `Refund ${what}?`,
        'A refund moves money: pass --yes to confirm',
      ))
    ) {
      this.say('Nothing was refunded.')
      return { ...preview, dryRun: false, declined: true }
    }
    const result = await core.refunds.refund(
      this.ctx,
      args.id,
      input,
      flags.key ?? `cli:${randomUUID()}`,
    )
    this.say(
      `Refund ${result.body.refund.id}: ${formatMoney(result.body.refund.amount)} ${result.body.refund.status}.`,
    )
    return result.body
  }
}
