import { type RuleSetTestReport, testRuleSetBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../../base-command.js'
import { renderTable } from '../../../table.js'

export default class FraudRulesTest extends KlosetCommand {
  static override summary = 'Replay the latest decisions through a rule set version'
  static override description =
    'Runs the repository rule set over the stored inputs of the latest decisions and counts what it would decide next to what was decided. Changes nothing.'
  static override examples = ['<%= config.bin %> fraud rules test 2 --limit 500']
  static override args = {
    version: Args.integer({ required: true, description: 'rule set version' }),
  }
  static override flags = {
    limit: Flags.integer({
      default: 200,
      min: 1,
      max: 1000,
      summary: 'How many decisions to replay',
    }),
  }

  async run(): Promise<{ report: RuleSetTestReport }> {
    const { args, flags } = await this.parse(FraudRulesTest)
    const input = this.validate(testRuleSetBody, { version: args.version, limit: flags.limit })
    const core = await this.core()
    const report = await core.fraud.testRuleSet(this.ctx, input)
    this.say(
      renderTable(
        ['outcome', 'decided', `v${report.version} would`],
        (['allow', 'review', 'hold', 'decline'] as const).map((o) => [
          o,
          report.liveOutcomes[o],
          report.outcomes[o],
        ]),
      ),
    )
    this.say(`${report.replayed} decision(s) replayed; ${report.changed.length} would change.`)
    return { report }
  }
}
