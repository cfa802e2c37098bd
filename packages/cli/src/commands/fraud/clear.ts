import { clearFraudCaseBody, type FraudCaseDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class FraudClear extends KlosetCommand {
  static override summary = 'Clear a fraud case: not fraud, its holds are released'
  static override description =
    'The order may ship and the seller’s share is released for payout (at once for a completed order, else when it completes). The case is labelled legit for the risk model. Audit-logged.'
  static override examples = [
    '<%= config.bin %> fraud clear 6650c0ffee0ddba11ca7e001 --reason "Called the buyer"',
  ]
  static override args = { id: Args.string({ required: true, description: 'case id' }) }
  static override flags = {
    reason: Flags.string({ required: true, summary: 'Why (audit log)' }),
  }

  async run(): Promise<{ case: FraudCaseDTO }> {
    const { args, flags } = await this.parse(FraudClear)
    const input = this.validate(clearFraudCaseBody, { reason: flags.reason })
    const core = await this.core()
    const cleared = await core.fraud.clearCase(this.ctx, args.id, input)
    this.say(`Cleared case ${cleared.id}; its holds are released.`)
    return { case: cleared }
  }
}
