import {
  promoteRiskModelBody,
  type RiskEvaluationReport,
  type RiskModelSummary,
} from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../../base-command.js'
import { evaluationTable, windowFlags, windowInput } from '../../../fraud-model-flags.js'

export default class FraudModelPromote extends KlosetCommand {
  static override summary = 'Make a risk model live, only if it wins on the window'
  static override description =
    'Evaluates the model again on the held-out window; it goes live only when it beats the rules alone and the live model on PR-AUC (strictly) and precision@budget. Otherwise it exits with model_does_not_win and the table. Audit-logged.'
  static override examples = ['<%= config.bin %> fraud model promote 3']
  static override args = { version: Args.integer({ required: true, description: 'model version' }) }
  static override flags = { ...windowFlags }

  async run(): Promise<{ model: RiskModelSummary; evaluation: RiskEvaluationReport }> {
    const { args, flags } = await this.parse(FraudModelPromote)
    const input = this.validate(promoteRiskModelBody, {
      ...windowInput(flags),
      version: args.version,
    })
    const core = await this.core()
    const result = await core.fraud.promoteModel(this.ctx, input)
    this.say(evaluationTable(result.evaluation))
    this.say(`Risk model v${result.model.version} is live.`)
    return result
  }
}
