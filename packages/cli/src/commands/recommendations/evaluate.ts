import { type EvaluationReport, evaluateRecommendations, evaluationOptions } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

export default class RecommendationsEvaluate extends KlosetCommand {
  static override summary =
    'Evaluate "for you" against the popularity baseline on a seeded synthetic history (HitRate@10, NDCG@10, coverage)'
  static override description =
    'Needs no database: the model is trained on the history before the split and scored on what each buyer bought after it, ranked against the whole catalog. docs/recommendations.md explains the numbers.'
  static override flags = {
    seed: Flags.integer({ default: 42, min: 1, summary: 'Seed of the synthetic marketplace' }),
    buyers: Flags.integer({ default: 3000, summary: 'Buyers (50-50,000)' }),
    products: Flags.integer({ default: 1200, summary: 'Products (50-20,000)' }),
    stores: Flags.integer({ default: 60, summary: 'Stores (5-2,000)' }),
    days: Flags.integer({ default: 180, summary: 'Days of history (30-730)' }),
    'test-days': Flags.integer({ default: 30, summary: 'The last days held out for testing' }),
  }

  async run(): Promise<EvaluationReport> {
    const { flags } = await this.parse(RecommendationsEvaluate)
    const options = this.validate(evaluationOptions, {
      seed: flags.seed,
      buyers: flags.buyers,
      products: flags.products,
      stores: flags.stores,
      days: flags.days,
      testDays: flags['test-days'],
    })
    const report = evaluateRecommendations(options)
    this.say(
      `${report.catalogSize} products, ${report.trainPurchases} purchases before the split, ${report.testBuyers} buyers tested (seed ${report.options.seed})`,
    )
    this.say(
      renderTable(
        ['method', `HitRate@${report.k}`, `NDCG@${report.k}`, 'coverage'],
        report.methods.map((m) => [m.method, pct(m.hitRate), m.ndcg.toFixed(4), pct(m.coverage)]),
      ),
    )
    this.say(
      `lift over popularity: HitRate ${report.lift.hitRate.toFixed(2)}x, NDCG ${report.lift.ndcg.toFixed(2)}x (goal ${report.goals.lift}x, coverage ${pct(report.goals.coverage)}): ${report.goals.met ? 'met' : 'NOT met'}`,
    )
    return report
  }
}
