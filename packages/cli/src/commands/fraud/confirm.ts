import { confirmFraudCaseBody, type FraudCaseDTO, type FraudCaseEvidence } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class FraudConfirm extends KlosetCommand {
  static override summary = 'Confirm a fraud case: cancel or refund, optionally suspend and block'
  static override description =
    'Unpaid orders of the case are cancelled (stock back). With --refund, paid orders are refunded in full through the refunds service; with --suspend the buyer is suspended; with --block-ip the checkout’s address is blocked for a year (the blocked_ip rule). The holds stay. The case is labelled fraud for the risk model. Audit-logged. Asks for confirmation unless --yes; under --json without --yes it refuses.'
  static override examples = [
    '<%= config.bin %> fraud confirm 6650c0ffee0ddba11ca7e001 --reason "Stolen card" --refund --block-ip --dry-run',
    '<%= config.bin %> fraud confirm 6650c0ffee0ddba11ca7e001 --reason "Self-purchase" --suspend --yes',
  ]
  static override args = { id: Args.string({ required: true, description: 'case id' }) }
  static override flags = {
    reason: Flags.string({ required: true, summary: 'Why (audit log)' }),
    refund: Flags.boolean({ summary: 'Refund the paid orders in full' }),
    suspend: Flags.boolean({ summary: 'Suspend the buyer' }),
    'block-ip': Flags.boolean({ summary: 'Block the address the checkout came from' }),
    'dry-run': Flags.boolean({ summary: 'Show the case and what would happen; change nothing' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation' }),
  }

  async run(): Promise<{ case: FraudCaseDTO | FraudCaseEvidence; dryRun?: true }> {
    const { args, flags } = await this.parse(FraudConfirm)
    const input = this.validate(confirmFraudCaseBody, {
      reason: flags.reason,
      refund: flags.refund,
      suspend: flags.suspend,
      blockIp: flags['block-ip'],
    })
    const core = await this.core()
    const found = await core.fraud.getCase(this.ctx, args.id)
    const actions = [
      'cancel unpaid orders',
      ...(input.refund ? ['refund paid orders in full'] : []),
      ...(input.suspend ? [`suspend buyer ${found.buyerId}`] : []),
      ...(input.blockIp ? [`block ${found.decision.ip ?? '(no address)'}`] : []),
    ].join(', ')
    const what = `case ${found.id} (${found.orders.length} order(s)): ${actions}`
    if (flags['dry-run']) {
      this.say(`Would confirm ${what}. Nothing was changed.`)
      return { case: found, dryRun: true }
    }
    if (
      !(await this.confirmed(
        flags.yes,
        `Confirm ${what}?`,
        'Confirming may move money: pass --yes to confirm',
      ))
    ) {
      this.say('Nothing was changed.')
      return { case: found, dryRun: true }
    }
    const confirmed = await core.fraud.confirmCase(this.ctx, args.id, input)
    const r = confirmed.resolution
    this.say(
      `Confirmed case ${confirmed.id}: ${r?.cancelled?.length ?? 0} cancelled, ${r?.refunded?.length ?? 0} refunded${r?.suspended ? ', buyer suspended' : ''}${r?.blockedIp ? `, ${r.blockedIp} blocked` : ''}.`,
    )
    return { case: confirmed }
  }
}
