import { type RiskEvaluationReport, type RiskModelSummary, trainRiskModelBody } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../../base-command.js'
import { evaluationTable, windowFlags, windowInput } from '../../../fraud-model-flags.js'
import { progressBar } from '../../../progress.js'

export default class FraudModelTrain extends KlosetCommand {
  static override summary = 'Train a candidate risk model, in process, and evaluate it'
  static override description =
    'Logistic regression on seeded synthetic marketplace traffic (all but the last --holdout-days days) plus every resolved fraud case (confirmed = fraud, cleared = legitimate). Stored as the next version, a candidate; evaluated on the held-out later days next to the rules alone and the live model. A progress bar shows on a terminal.'
  static override examples = [
    '<%= config.bin %> fraud model train',
    '<%= config.bin %> fraud model train --seed 11 --days 90 --epochs 500 --json',
  ]
  static override flags = {
    ...windowFlags,
    epochs: Flags.integer({ default: 100, min: 1, max: 5000, summary: 'Gradient descent passes' }),
  }

  async run(): Promise<{ model: RiskModelSummary; evaluation: RiskEvaluationReport }> {
    const { flags } = await this.parse(FraudModelTrain)
    const input = this.validate(trainRiskModelBody, { ...windowInput(flags), epochs: flags.epochs })
    const core = await this.core()
    const bar = progressBar(!this.jsonEnabled())
    const result = await core.fraud.trainModel(this.ctx, input, (epoch, epochs, loss) =>
      bar.update(epoch, epochs, `epoch ${epoch}/${epochs} loss ${loss.toFixed(4)}`),
    )
    this.say(
      `Trained risk model v${result.model.version} (candidate) on ${result.model.trainedOn.samples} checkouts.`,
    )
    this.say(evaluationTable(result.evaluation))
    return result
  }
}
