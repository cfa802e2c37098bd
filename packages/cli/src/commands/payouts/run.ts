import { formatMoney, type PayoutRunResult, runPayoutsInput } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { dryRunFlag, yesFlag } from '../../flags.js'
import { canPrompt } from '../../prompt.js'
import { renderTable, statusColour } from '../../table.js'

export default class PayoutsRun extends KlosetCommand {
  static override summary = 'Pay every seller their available balance for a week'
  static override description =
    'One payout per store and ISO week (Africa/Lagos), at or above PAYOUT_MINIMUM_KOBO, to stores with a payout account and no hold. Safe to run again or after a crash: unfinished payouts resume with the same Paystack reference, so nobody is paid twice. Asks for confirmation unless --yes; under --json without --yes it refuses.'
  static override examples = [
    '<%= config.bin %> payouts run --dry-run',
    '<%= config.bin %> payouts run --yes --json',
    '<%= config.bin %> payouts run --period 2026-W48 --yes',
  ]

  static override flags = {
    period: Flags.string({ summary: 'ISO week, e.g. 2026-W48 (default: this week in Lagos)' }),
    'dry-run': dryRunFlag('Show what would be paid; send and write nothing'),
    yes: yesFlag,
  }

  async run(): Promise<PayoutRunResult & { declined?: true }> {
    const { flags } = await this.parse(PayoutsRun)
    const input = this.validate(runPayoutsInput, {
      ...(flags.period ? { period: flags.period } : {}),
    })
    const core = await this.core()
    const plan = await core.payouts.runPeriod(this.ctx, { ...input, dryRun: true })
    if (flags['dry-run']) {
      this.print(plan)
      this.say('Dry run: nothing was sent.')
      return plan
    }
    // Under --json without --yes the refusal below comes even with nothing to pay: scripts
    // learn about the missing flag on a quiet week, not on the first busy one.
    const canAsk = !this.jsonEnabled() && canPrompt()
    if (plan.totals.count === 0 && (flags.yes || canAsk)) {
      this.print(plan)
      this.say('Nothing to pay.')
      return { ...plan, dryRun: false }
    }
    const question = `Pay ${plan.totals.count} payout(s), ${formatMoney(plan.totals.amount, plan.currency)} in total, for ${plan.period}?`
    if (!(await this.confirmed(flags.yes, question, 'Payouts move money: pass --yes to confirm'))) {
      this.say('Nothing was sent.')
      return { ...plan, dryRun: false, declined: true }
    }
    const result = await core.payouts.runPeriod(this.ctx, input)
    this.print(result)
    for (const warning of result.warnings) this.say(`Warning: ${warning}`)
    return result
  }

  private print(result: PayoutRunResult): void {
    this.say(
      renderTable(
        ['store', 'amount', 'outcome', 'reason / reference'],
        result.items.map((item) => [
          item.storeName ?? item.storeId,
          formatMoney(item.amount, result.currency),
          statusColour(item.outcome),
          item.reason ?? item.reference,
        ]),
      ),
    )
    this.say(
      `${result.period}: ${result.totals.count} payout(s), ${formatMoney(result.totals.amount, result.currency)}; minimum ${formatMoney(result.minimumPayout, result.currency)}`,
    )
  }
}
