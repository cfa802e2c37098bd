import { evaluateRiskModelBody, type RiskEvaluationReport } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../../base-command.js'
import { evaluationTable, windowFlags, windowInput } from '../../../fraud-model-flags.js'

export default class FraudModelEvaluate extends KlosetCommand {
  static override summary = 'Evaluate a risk model on the held-out later window'
  static override description =
    'Precision and recall at the daily review budget (the top-k of each day) and PR-AUC, next to the rules alone and the live model, on the same window. Changes nothing.'
  static override examples = [
    '<%= config.bin %> fraud model evaluate',
    '<%= config.bin %> fraud model evaluate --version 3 --budget 10',
  ]
  static override flags = {
    ...windowFlags,
    version: Flags.integer({ min: 1, summary: 'Model version (default: the newest candidate)' }),
  }

  async run(): Promise<{ evaluation: RiskEvaluationReport }> {
    const { flags } = await this.parse(FraudModelEvaluate)
    const input = this.validate(evaluateRiskModelBody, {
      ...windowInput(flags),
      ...(flags.version ? { version: flags.version } : {}),
    })
    const core = await this.core()
    const evaluation = await core.fraud.evaluateModel(this.ctx, input)
    this.say(evaluationTable(evaluation))
    return { evaluation }
  }
}
