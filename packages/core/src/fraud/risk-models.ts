import type { Ctx } from '../shared/ctx.js'
import { InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { FraudModels, RiskModelDoc } from './fraud.model.js'
import { evaluateRuleSet } from './fraud.rules.js'
import type { RuleSetDefinition, Signals } from './fraud.types.js'
import {
  beats,
  type EvaluationReport,
  rankingMetrics,
  rounded,
  splitByTime,
} from './risk-evaluation.js'
import {
  type LabelledSample,
  parseRiskModel,
  type RiskModelJson,
  scoreRisk,
  trainRiskModel,
} from './risk-model.js'
import { type SyntheticSample, syntheticTraffic } from './synthetic-traffic.js'

const CACHE_MS = 10_000

export interface WindowOptions {
  seed: number
  days: number
  holdoutDays: number
  dailyBudget: number
}

export interface RiskModelSummary {
  version: number
  status: RiskModelDoc['status']
  trainedAt: string
  promotedAt?: string
  trainedOn: RiskModelJson['trainedOn']
  weights: Record<string, number>
  bias: number
  evaluation?: Record<string, unknown>
}

export function toModelSummary(doc: RiskModelDoc): RiskModelSummary {
  const model = parseRiskModel(doc.model)
  return {
    version: doc.version,
    status: doc.status,
    trainedAt: doc.trainedAt.toISOString(),
    ...(doc.promotedAt ? { promotedAt: doc.promotedAt.toISOString() } : {}),
    trainedOn: model.trainedOn,
    weights: Object.fromEntries(
      model.features.map((f, i) => [f, Math.round((model.weights[i] ?? 0) * 1000) / 1000]),
    ),
    bias: Math.round(model.bias * 1000) / 1000,
    ...(doc.evaluation ? { evaluation: doc.evaluation } : {}),
  }
}

/**
 * Risk models: training (synthetic cold-start traffic plus the labelled cases), evaluation on
 * a held-out later window, promotion only of a model that wins, and the live model for scoring
 * (cached per process).
 */
export class RiskModels {
  private cached?: { at: number; model?: RiskModelJson }

  constructor(
    private deps: {
      models: Pick<FraudModels, 'riskModels'>
      now: () => number
      /** Labelled checkouts from resolved cases (confirmed = fraud, cleared = legitimate). */
      labelledCases: () => Promise<LabelledSample[]>
      /** The live rule set, for "rules alone". */
      rules: () => Promise<RuleSetDefinition>
    },
  ) {}

  /** The live model, or none before the first promotion. */
  async live(): Promise<RiskModelJson | undefined> {
    const now = this.deps.now()
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.model
    const doc = await this.deps.models.riskModels.findOne({ status: 'live' }).lean()
    this.cached = { at: now, ...(doc ? { model: parseRiskModel(doc.model) } : {}) }
    return this.cached.model
  }

  async list(): Promise<RiskModelSummary[]> {
    const docs = await this.deps.models.riskModels.find({}).sort({ version: -1 }).lean()
    return docs.map(toModelSummary)
  }

  /** The last window generated: train, evaluate and promote on one window generate it once. */
  private lastWindow?: { key: string; split: ReturnType<typeof splitByTime<SyntheticSample>> }

  private window(options: WindowOptions) {
    const key = `${options.seed}:${options.days}:${options.holdoutDays}`
    if (this.lastWindow?.key !== key) {
      const traffic = syntheticTraffic({ seed: options.seed, days: options.days })
      this.lastWindow = { key, split: splitByTime(traffic, options.holdoutDays) }
    }
    return this.lastWindow.split
  }

  /** Trains a candidate on the window's earlier days plus the labelled cases, and evaluates it. */
  async train(
    ctx: Ctx,
    options: WindowOptions & { epochs: number },
    onProgress?: (epoch: number, epochs: number, loss: number) => void,
  ): Promise<{ model: RiskModelSummary; evaluation: EvaluationReport }> {
    const { train } = this.window(options)
    const cases = await this.deps.labelledCases()
    const newest = await this.deps.models.riskModels.findOne({}).sort({ version: -1 }).lean()
    const version = (newest?.version ?? 0) + 1
    const model = await trainRiskModel([...train, ...cases], {
      version,
      epochs: options.epochs,
      seed: options.seed,
      ...(onProgress ? { onProgress } : {}),
    })
    const evaluation = await this.evaluateModel(model, options)
    const doc = await this.deps.models.riskModels.create({
      version,
      status: 'candidate',
      model: model as unknown as Record<string, unknown>,
      evaluation: evaluation as unknown as Record<string, unknown>,
      trainedAt: ctx.now,
    })
    return { model: toModelSummary(doc.toObject()), evaluation }
  }

  private async get(version?: number): Promise<RiskModelDoc> {
    const doc = await this.deps.models.riskModels
      .findOne(version ? { version } : { status: 'candidate' })
      .sort({ version: -1 })
      .lean()
    if (!doc)
      throw new NotFoundError(version ? `Risk model version ${version}` : 'Candidate risk model')
    return doc
  }

  /** Evaluates a model (default: the newest candidate) on the window's held-out later days. */
  async evaluate(options: WindowOptions & { version?: number }): Promise<EvaluationReport> {
    const doc = await this.get(options.version)
    return this.evaluateModel(parseRiskModel(doc.model), options)
  }

  private async evaluateModel(
    model: RiskModelJson,
    options: WindowOptions,
  ): Promise<EvaluationReport> {
    const { test } = this.window(options)
    const rules = await this.deps.rules()
    const noScore = { riskScore: 0 }
    const byRules = (s: Signals) => evaluateRuleSet(rules, { ...s, ...noScore }).score
    const byModel = (m: RiskModelJson) => (s: Signals) => scoreRisk(m, s).probability
    const current = await this.deps.models.riskModels.findOne({ status: 'live' }).lean()
    const rulesMetrics = rankingMetrics(test, byRules, options.dailyBudget)
    const candidate = rankingMetrics(test, byModel(model), options.dailyBudget)
    const currentMetrics =
      current && current.version !== model.version
        ? rankingMetrics(test, byModel(parseRiskModel(current.model)), options.dailyBudget)
        : undefined
    const times = test.map((s) => s.at.getTime())
    return {
      window: {
        from: new Date(Math.min(...times)).toISOString(),
        to: new Date(Math.max(...times)).toISOString(),
        samples: test.length,
        fraud: test.filter((s) => s.fraud).length,
        days: options.holdoutDays,
      },
      dailyBudget: options.dailyBudget,
      rules: rounded(rulesMetrics),
      candidate: rounded(candidate),
      ...(currentMetrics && current
        ? { current: { ...rounded(currentMetrics), version: current.version } }
        : {}),
      candidateWins:
        beats(candidate, rulesMetrics) && (!currentMetrics || beats(candidate, currentMetrics)),
    }
  }

  /**
   * Makes the model live, only when it beats the rules alone and the current model on the same
   * window. @throws InvalidStateError `model_does_not_win` (with the report), NotFoundError.
   */
  async promote(
    ctx: Ctx,
    options: WindowOptions & { version: number },
  ): Promise<{ model: RiskModelSummary; evaluation: EvaluationReport }> {
    const doc = await this.get(options.version)
    if (doc.status === 'live')
      throw new InvalidStateError('This model is already live', 'model_live')
    const evaluation = await this.evaluateModel(parseRiskModel(doc.model), options)
    if (!evaluation.candidateWins) {
      throw new InvalidStateError(
        'The model does not beat the rules alone and the current model on this window',
        'model_does_not_win',
        evaluation,
      )
    }
    await this.deps.models.riskModels.updateMany(
      { status: 'live' },
      { $set: { status: 'retired' } },
    )
    const promoted = await this.deps.models.riskModels
      .findOneAndUpdate(
        { version: doc.version },
        {
          $set: {
            status: 'live',
            promotedAt: ctx.now,
            evaluation: evaluation as unknown as Record<string, unknown>,
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    this.cached = undefined
    return { model: toModelSummary(promoted as RiskModelDoc), evaluation }
  }
}
