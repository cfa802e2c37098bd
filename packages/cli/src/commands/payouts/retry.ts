import { formatMoney, type PayoutDetailDTO, type PayoutRunItem } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { dryRunFlag, yesFlag } from '../../flags.js'

export default class PayoutsRetry extends KlosetCommand {
  static override summary = 'Send a failed or reversed payout again, under a new reference'
  static override description =
    'Only for a failed, reversed (or cancelled) payout whose money is back in the available balance and whose transfer Paystack reports as over. Asks for confirmation unless --yes; under --json without --yes it refuses.'
  static override examples = ['<%= config.bin %> payouts retry 6650c0ffee0ddba11ca7e001 --yes']

  static override args = {
    payout: Args.string({ required: true, description: 'payout id or transfer reference' }),
  }
  static override flags = {
    'dry-run': dryRunFlag('Show the payout that would be retried; send nothing'),
    yes: yesFlag,
  }

  async run(): Promise<{ payout: PayoutDetailDTO; item?: PayoutRunItem; dryRun?: true }> {
    const { args, flags } = await this.parse(PayoutsRetry)
    const core = await this.core()
    const payout = await core.payouts.get(this.ctx, args.payout)
    const what = `${formatMoney(payout.amount, payout.currency)} to ${payout.storeId} (${payout.period}, attempt ${payout.attempt + 1})`
    if (flags['dry-run']) {
      this.say(`Would retry ${what}; it is ${payout.status}. Nothing was sent.`)
      return { payout, dryRun: true }
    }
    if (
      !(await this.confirmed(
        flags.yes,
        `Retry ${what}?`,
        'A retry moves money: pass --yes to confirm',
      ))
    ) {
      this.say('Nothing was sent.')
      return { payout }
    }
    const retried = await core.payouts.retry(this.ctx, payout.id)
    this.say(`Retried: ${retried.item.outcome} (${retried.payout.reference}).`)
    return retried
  }
}
