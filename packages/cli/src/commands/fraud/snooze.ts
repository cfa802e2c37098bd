import { snoozeRuleBody } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class FraudSnooze extends KlosetCommand {
  static override summary = 'Silence one rule for one buyer until a date'
  static override description =
    'The rule still matches (the decision lists it under snoozed) but adds no points for that buyer until the date. Audit-logged.'
  static override examples = [
    '<%= config.bin %> fraud snooze --buyer 6650c0ffee0ddba11ca7e001 --rule buyer_velocity_hour --until 2026-12-31 --reason "Wholesale buyer"',
  ]
  static override flags = {
    buyer: Flags.string({ required: true, summary: 'The buyer (user id)' }),
    rule: Flags.string({ required: true, summary: 'The rule id (kloset fraud rules list)' }),
    until: Flags.string({ required: true, summary: 'Until when (ISO date or date-time)' }),
    reason: Flags.string({ required: true, summary: 'Why (audit log)' }),
  }

  async run(): Promise<{ snooze: { id: string; buyerId: string; ruleId: string; until: string } }> {
    const { flags } = await this.parse(FraudSnooze)
    const input = this.validate(snoozeRuleBody, {
      buyerId: flags.buyer,
      ruleId: flags.rule,
      until: flags.until,
      reason: flags.reason,
    })
    const core = await this.core()
    const snooze = await core.fraud.snooze(this.ctx, input)
    this.say(`Rule ${snooze.ruleId} is silenced for ${snooze.buyerId} until ${snooze.until}.`)
    return { snooze }
  }
}
