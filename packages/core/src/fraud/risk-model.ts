import { type RiskReason, SIGNAL_NAMES, type SignalName, type Signals } from './fraud.types.js'

/** Signals that are counts or amounts: squashed with log(1 + x) before scaling (heavy tails). */
const LOG_SCALED: ReadonlySet<SignalName> = new Set([
  'buyerOrdersHour',
  'buyerOrdersDay',
  'ipOrdersHour',
  'ipOrdersDay',
  'cardOrdersDay',
  'buyerFailedPaymentsDay',
  'ipFailedPaymentsDay',
  'cardFailedPaymentsDay',
  'accountAgeDays',
  'orderValue',
  'valueToAccountAge',
  'payoutAccountStores',
  'buyerPastOrders',
  'storeAgeDays',
  'priceDeviation',
  'chatFlags',
])

/**
 * A trained model as stored (versioned JSON): logistic regression over the standardized
 * signals. Small enough to read: one weight per signal says which way and how hard it pushes.
 */
export interface RiskModelJson {
  kind: 'logistic-regression'
  version: number
  features: SignalName[]
  /** Per feature: mean and standard deviation after the log transform (for standardizing). */
  means: number[]
  scales: number[]
  weights: number[]
  bias: number
  trainedOn: { samples: number; positives: number; from?: string; to?: string; seed?: number }
  hyper: { epochs: number; learningRate: number; l2: number }
}

/** One labelled checkout: its signals, whether it was fraud, and when it happened. */
export interface LabelledSample {
  signals: Signals
  fraud: boolean
  at: Date
}

export interface TrainOptions {
  version: number
  epochs?: number
  learningRate?: number
  l2?: number
  seed?: number
  /** Called after each epoch (the CLI's progress bar). */
  onProgress?: (epoch: number, epochs: number, loss: number) => void
}

export interface RiskScore {
  /** 0-99: the probability of fraud, in percent, capped at 99. */
  score: number
  probability: number
  /** Features that pushed the score up, largest first (at most 3). */
  reasons: RiskReason[]
}

function transformed(model: Pick<RiskModelJson, 'features'>, signals: Signals): number[] {
  return model.features.map((f) => {
    const raw = Number.isFinite(signals[f]) ? Math.max(0, signals[f]) : 0
    return LOG_SCALED.has(f) ? Math.log1p(raw) : raw
  })
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
/** Epochs between two yields to the event loop while training. */
const YIELD_EVERY = 10

/**
 * Trains logistic regression by full-batch gradient descent with L2, in process (no network,
 * no GPU). Positives are weighted by the class ratio so that rare fraud is not ignored.
 * @throws Error when the samples hold no fraud or no legitimate checkout.
 */
export async function trainRiskModel(
  samples: LabelledSample[],
  options: TrainOptions,
): Promise<RiskModelJson> {
  const epochs = options.epochs ?? 100
  const learningRate = options.learningRate ?? 1
  const l2 = options.l2 ?? 0.001
  const features = [...SIGNAL_NAMES]
  const positives = samples.filter((s) => s.fraud).length
  if (positives === 0 || positives === samples.length) {
    throw new Error('Training needs both fraudulent and legitimate checkouts')
  }
  const rows = samples.map((s) => transformed({ features }, s.signals))
  const means = features.map((_, j) => rows.reduce((sum, r) => sum + (r[j] ?? 0), 0) / rows.length)
  const scales = features.map((_, j) => {
    const mean = means[j] ?? 0
    const variance = rows.reduce((sum, r) => sum + ((r[j] ?? 0) - mean) ** 2, 0) / rows.length
    return Math.sqrt(variance) || 1
  })
  // One flat typed array, row-major: the epochs below are the whole cost of training.
  const n = rows.length
  const d = features.length
  const x = new Float64Array(n * d)
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = ((r[j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1)
  })
  const y = Uint8Array.from(samples, (s) => (s.fraud ? 1 : 0))
  const positiveWeight = (samples.length - positives) / positives
  const totalWeight = samples.length - positives + positives * positiveWeight
  const w = new Float64Array(d)
  const gradient = new Float64Array(d)
  let bias = 0
  for (let epoch = 1; epoch <= epochs; epoch++) {
    gradient.fill(0)
    let gradientBias = 0
    let loss = 0
    for (let i = 0; i < n; i++) {
      const offset = i * d
      let z = bias
      for (let j = 0; j < d; j++) z += (w[j] as number) * (x[offset + j] as number)
      const p = sigmoid(z)
      const label = y[i] as number
      const weight = label === 1 ? positiveWeight : 1
      const error = (p - label) * weight
      for (let j = 0; j < d; j++)
        gradient[j] = (gradient[j] as number) + error * (x[offset + j] as number)
      gradientBias += error
      loss -= weight * (label === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12))
    }
    for (let j = 0; j < d; j++) {
      w[j] =
        (w[j] as number) -
        learningRate * ((gradient[j] as number) / totalWeight + l2 * (w[j] as number))
    }
    bias -= (learningRate * gradientBias) / totalWeight
    options.onProgress?.(epoch, epochs, loss / totalWeight)
    // Let the event loop run between epochs: a server training a model keeps answering.
    if (epoch % YIELD_EVERY === 0) await new Promise((done) => setImmediate(done))
  }
  const weights = Array.from(w)
  // The class weighting moves the intercept; correct it so probabilities keep the base rate.
  bias -= Math.log(positiveWeight)
  const times = samples.map((s) => s.at.getTime())
  return {
    kind: 'logistic-regression',
    version: options.version,
    features,
    means,
    scales,
    weights,
    bias,
    trainedOn: {
      samples: samples.length,
      positives,
      from: new Date(Math.min(...times)).toISOString(),
      to: new Date(Math.max(...times)).toISOString(),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
    hyper: { epochs, learningRate, l2 },
  }
}

/** Scores one checkout: 0-99 and the features that pushed it up. Microseconds: a dot product. */
export function scoreRisk(model: RiskModelJson, signals: Signals): RiskScore {
  const row = transformed(model, signals)
  let z = model.bias
  const contributions: RiskReason[] = []
  for (let j = 0; j < row.length; j++) {
    const standardized =
      ((row[j] as number) - (model.means[j] as number)) / (model.scales[j] as number)
    const contribution = (model.weights[j] as number) * standardized
    z += contribution
    if (contribution > 0) {
      contributions.push({ feature: model.features[j] as SignalName, contribution })
    }
  }
  const probability = sigmoid(z)
  contributions.sort((a, b) => b.contribution - a.contribution)
  return {
    score: Math.min(99, Math.floor(probability * 100)),
    probability,
    reasons: contributions
      .slice(0, 3)
      .map((r) => ({ feature: r.feature, contribution: Math.round(r.contribution * 1000) / 1000 })),
  }
}

/** Checks that a stored JSON is a model this code can score. @throws Error when it is not. */
export function parseRiskModel(json: unknown): RiskModelJson {
  const model = json as Partial<RiskModelJson>
  const n = model.features?.length
  if (
    model?.kind !== 'logistic-regression' ||
    !n ||
    model.features?.some((f) => !(SIGNAL_NAMES as readonly string[]).includes(f)) ||
    model.weights?.length !== n ||
    model.means?.length !== n ||
    model.scales?.length !== n ||
    typeof model.bias !== 'number'
  ) {
    throw new Error('Not a risk model this version can read')
  }
  return model as RiskModelJson
}
