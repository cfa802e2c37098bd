import { publishRuleSetBody, type RuleSetRow } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../../base-command.js'

export default class FraudRulesPublish extends KlosetCommand {
  static override summary = 'Publish a rule set version live, or as the shadow set'
  static override description =
    'Live: every checkout is decided by it (the previous live set retires). --shadow: it runs next to the live set and every decision records what it would have done. Audit-logged.'
  static override examples = [
    '<%= config.bin %> fraud rules publish 2 --shadow',
    '<%= config.bin %> fraud rules publish 2',
  ]
  static override args = {
    version: Args.integer({ required: true, description: 'rule set version' }),
  }
  static override flags = {
    shadow: Flags.boolean({ summary: 'Run it in shadow mode next to the live set' }),
  }

  async run(): Promise<{ ruleSet: RuleSetRow }> {
    const { args, flags } = await this.parse(FraudRulesPublish)
    const input = this.validate(publishRuleSetBody, { version: args.version, shadow: flags.shadow })
    const core = await this.core()
    const ruleSet = await core.fraud.publishRuleSet(this.ctx, input)
    this.say(`Rule set v${ruleSet.version} (${ruleSet.name}) is now ${ruleSet.mode}.`)
    return { ruleSet }
  }
}
