import { type DisputeDTO, formatMoney, resolveDisputeCaseBody, type Settlement } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class DisputesResolve extends KlosetCommand {
  static override summary =
    'Decide a dispute: refund the buyer in full or part, or release the money'
  static override description =
    'Exactly one of --refund or --release. A refund goes through the order refund path (commission reversed in proportion); --refund partial needs --amount in kobo. --release pays the seller their share. Both parties are told by mail and in their inbox; the decision is audit-logged. Asks for confirmation unless --yes; under --json without --yes it refuses.'
  static override examples = [
    '<%= config.bin %> disputes resolve 6650c0ffee0ddba11ca7e001 --refund full --reason "Never delivered" --yes',
    '<%= config.bin %> disputes resolve 6650c0ffee0ddba11ca7e001 --refund partial --amount 250000 --reason "One item damaged" --dry-run',
    '<%= config.bin %> disputes resolve 6650c0ffee0ddba11ca7e001 --release --reason "Tracking shows delivery" --yes',
  ]

  static override args = { id: Args.string({ required: true, description: 'dispute id' }) }
  static override flags = {
    refund: Flags.string({
      options: ['full', 'partial'],
      exclusive: ['release'],
      summary: 'Refund the buyer: all that is left of the order, or part of it (--amount)',
    }),
    amount: Flags.integer({
      min: 1,
      dependsOn: ['refund'],
      summary: 'Kobo to refund with --refund partial',
    }),
    release: Flags.boolean({ exclusive: ['refund'], summary: 'Release the money to the seller' }),
    reason: Flags.string({ required: true, summary: 'Why (both parties see it; audit log)' }),
    'dry-run': Flags.boolean({ summary: 'Show what the decision would do; change nothing' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation' }),
  }

  async run(): Promise<
    { dispute: DisputeDTO } | { dispute: DisputeDTO; settlement: Settlement; dryRun: true }
  > {
    const { args, flags } = await this.parse(DisputesResolve)
    const body = this.validate(resolveDisputeCaseBody, {
      decision: flags.release ? 'release' : flags.refund ? 'refund' : undefined,
      ...(flags.refund ? { refund: flags.refund } : {}),
      ...(flags.amount !== undefined ? { amount: flags.amount } : {}),
      reason: flags.reason,
    })
    const core = await this.core()
    const preview = await core.disputes.preview(this.ctx, args.id, body)
    const { settlement, dispute } = preview
    const what =
      settlement.outcome === 'release'
        ? `release order ${dispute.orderId}'s money to the seller`
        : `refund ${formatMoney(settlement.amount, dispute.currency)} of order ${dispute.orderId} (${formatMoney(preview.refundable, dispute.currency)} refundable)`
    if (flags['dry-run']) {
      this.say(`Would ${what}. Nothing was changed.`)
      return { dispute, settlement, dryRun: true }
    }
    if (
      !(await this.confirmed(
        flags.yes,
        `Decide dispute ${dispute.id}: ${what}?`,
        'A decision moves money: pass --yes to confirm',
      ))
    ) {
      this.say('Nothing was changed.')
      return { dispute, settlement, dryRun: true }
    }
    const resolved = await core.disputes.resolve(this.ctx, args.id, body)
    this.say(`Dispute ${resolved.id} resolved: ${what}.`)
    return { dispute: resolved }
  }
}
