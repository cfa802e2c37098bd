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

/** Youth as a number in (0, 1]: 1 on the first day, 1/2 at `half` days, towards 0 after. */
const young = (days: number, half: number) => 1 / (1 + Math.max(0, days) / half)
/** log(1 + x) of a count above its usual floor (one order this hour, one store per account). */
const above = (value: number, floor: number) => Math.log1p(Math.max(0, value - floor))
/** The order value as log-distance above a typical basket (25,000 NGN). */
const dearer = (s: Signals) => Math.log1p(Math.max(0, s.orderValue)) - Math.log(25_000)
const deviation = (s: Signals) => Math.log1p(Math.max(0, s.priceDeviation))
const youngAccount = (s: Signals) => young(s.accountAgeDays, 7)
const youngStore = (s: Signals) => young(s.storeAgeDays, 14)

/**
 * Features computed from several signals: youth curves and pairwise interactions. Each fraud
 * pattern is a conjunction of tells (a young store AND a dear basket AND an odd price); a
 * linear model over the signals alone adds those up and cannot tell "two tells of one pattern"
 * from "two unrelated bits of noise". `of` names the signals a feature is built from: its
 * contribution to a score is credited to them in the reasons (split evenly).
 */
export const DERIVED_FEATURES = {
  youngAccount: { of: ['accountAgeDays'], value: youngAccount },
  youngStore: { of: ['storeAgeDays'], value: youngStore },
  youngAccountDearOrder: {
    of: ['accountAgeDays', 'orderValue'],
    value: (s) => youngAccount(s) * dearer(s),
  },
  youngStoreDearOrder: {
    of: ['storeAgeDays', 'orderValue'],
    value: (s) => youngStore(s) * dearer(s),
  },
  youngStoreOddPrice: {
    of: ['storeAgeDays', 'priceDeviation'],
    value: (s) => youngStore(s) * deviation(s),
  },
  dearOrderOddPrice: {
    of: ['orderValue', 'priceDeviation'],
    value: (s) => dearer(s) * deviation(s),
  },
  youngStoreSharedIp: {
    of: ['storeAgeDays', 'sharedIpWithSeller'],
    value: (s) => youngStore(s) * s.sharedIpWithSeller,
  },
  youngStoreSharedDevice: {
    of: ['storeAgeDays', 'sharedDeviceWithSeller'],
    value: (s) => youngStore(s) * s.sharedDeviceWithSeller,
  },
  youngStoreSharedPayout: {
    of: ['storeAgeDays', 'payoutAccountStores'],
    value: (s) => youngStore(s) * above(s.payoutAccountStores, 1),
  },
  sharedPayoutManyStores: {
    of: ['sharedPayoutAccount', 'payoutAccountStores'],
    value: (s) => s.sharedPayoutAccount * above(s.payoutAccountStores, 1),
  },
  refundsOverHistory: {
    of: ['buyerRefundRate', 'buyerPastOrders'],
    value: (s) => s.buyerRefundRate * Math.log1p(Math.max(0, s.buyerPastOrders)),
  },
  disputesOverHistory: {
    of: ['buyerDisputeRate', 'buyerPastOrders'],
    value: (s) => s.buyerDisputeRate * Math.log1p(Math.max(0, s.buyerPastOrders)),
  },
  youngAccountBurst: {
    of: ['accountAgeDays', 'buyerOrdersHour'],
    value: (s) => youngAccount(s) * above(s.buyerOrdersHour, 1),
  },
  youngAccountCardReuse: {
    of: ['accountAgeDays', 'cardOrdersDay'],
    value: (s) => youngAccount(s) * above(s.cardOrdersDay, 0),
  },
  youngAccountFailures: {
    of: ['accountAgeDays', 'buyerFailedPaymentsDay'],
    value: (s) => youngAccount(s) * above(s.buyerFailedPaymentsDay, 0),
  },
  cardReuseFailures: {
    of: ['cardOrdersDay', 'buyerFailedPaymentsDay'],
    value: (s) => above(s.cardOrdersDay, 0) * above(s.buyerFailedPaymentsDay, 0),
  },
  burstBusyAddress: {
    of: ['buyerOrdersHour', 'ipOrdersDay'],
    value: (s) => above(s.buyerOrdersHour, 1) * above(s.ipOrdersDay, 0),
  },
  youngAccountChatFlags: {
    of: ['accountAgeDays', 'chatFlags'],
    value: (s) => youngAccount(s) * above(s.chatFlags, 0),
  },
  youngAccountBusyAddress: {
    of: ['accountAgeDays', 'ipOrdersHour'],
    value: (s) => youngAccount(s) * above(s.ipOrdersHour, 1),
  },
} satisfies Record<string, { of: SignalName[]; value: (s: Signals) => number }>
export type DerivedFeature = keyof typeof DERIVED_FEATURES
export type FeatureName = SignalName | DerivedFeature
const DERIVED_NAMES = Object.keys(DERIVED_FEATURES) as DerivedFeature[]
/** What a new model trains on: every signal, then every derived feature. */
export const MODEL_FEATURES: readonly FeatureName[] = [...SIGNAL_NAMES, ...DERIVED_NAMES]
const isDerived = (f: FeatureName): f is DerivedFeature => f in DERIVED_FEATURES

/**
 * A trained model as stored (versioned JSON): logistic regression over the standardized
 * signals and derived features. Small enough to read: one weight per feature says which way
 * and how hard it pushes. Models stored before the derived features existed still score.
 */
export interface RiskModelJson {
  kind: 'logistic-regression'
  version: number
  features: FeatureName[]
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
  const clean = Object.fromEntries(
    SIGNAL_NAMES.map((f) => [f, Number.isFinite(signals[f]) ? Math.max(0, signals[f]) : 0]),
  ) as Signals
  return model.features.map((f) => {
    if (isDerived(f)) return DERIVED_FEATURES[f].value(clean)
    return LOG_SCALED.has(f) ? Math.log1p(clean[f]) : clean[f]
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
  const hyper = {
    epochs: options.epochs ?? 100,
    learningRate: options.learningRate ?? 1,
    l2: options.l2 ?? 0.001,
  }
  const features = [...MODEL_FEATURES]
  const positives = samples.filter((s) => s.fraud).length
  if (positives === 0 || positives === samples.length) {
    throw new Error('Training needs both fraudulent and legitimate checkouts')
  }
  const { means, scales, design } = designOf(samples, features, positives)
  const fit = { w: new Float64Array(design.d), gradient: new Float64Array(design.d), bias: 0 }
  for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
    const loss = descend(design, fit, hyper)
    options.onProgress?.(epoch, hyper.epochs, loss / design.totalWeight)
    // Let the event loop run between epochs: a server training a model keeps answering.
    if (epoch % YIELD_EVERY === 0) await new Promise((done) => setImmediate(done))
  }
  return {
    kind: 'logistic-regression',
    version: options.version,
    features,
    means,
    scales,
    weights: Array.from(fit.w),
    // The class weighting moves the intercept; correct it so probabilities keep the base rate.
    bias: fit.bias - Math.log(design.positiveWeight),
    trainedOn: trainedOn(samples, positives, options.seed),
    hyper,
  }
}

/** The standardized samples as one flat typed array, row-major, with labels and class weights. */
interface Design {
  x: Float64Array
  y: Uint8Array
  n: number
  d: number
  positiveWeight: number
  totalWeight: number
}

/** The weights being learned, and the gradient buffer reused by every epoch. */
interface Fit {
  w: Float64Array
  gradient: Float64Array
  bias: number
}

/** Transforms and standardizes the samples (mean 0, scale 1 per feature) and weighs the classes. */
function designOf(samples: LabelledSample[], features: FeatureName[], positives: number) {
  const rows = samples.map((s) => transformed({ features }, s.signals))
  const means = features.map((_, j) => rows.reduce((sum, r) => sum + (r[j] ?? 0), 0) / rows.length)
  const scales = features.map((_, j) => {
    const mean = means[j] ?? 0
    const variance = rows.reduce((sum, r) => sum + ((r[j] ?? 0) - mean) ** 2, 0) / rows.length
    return Math.sqrt(variance) || 1
  })
  // One flat typed array, row-major: the epochs are the whole cost of training.
  const n = rows.length
  const d = features.length
  const x = new Float64Array(n * d)
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = ((r[j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1)
  })
  const y = Uint8Array.from(samples, (s) => (s.fraud ? 1 : 0))
  const positiveWeight = (samples.length - positives) / positives
  const totalWeight = samples.length - positives + positives * positiveWeight
  const design: Design = { x, y, n, d, positiveWeight, totalWeight }
  return { means, scales, design }
}

/** One epoch of full-batch gradient descent with L2: moves `fit`, returns the weighted loss. */
function descend(
  design: Design,
  fit: Fit,
  { learningRate, l2 }: { learningRate: number; l2: number },
): number {
  const { x, y, n, d, positiveWeight, totalWeight } = design
  const { w, gradient } = fit
  const bias = fit.bias
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
  fit.bias = bias - (learningRate * gradientBias) / totalWeight
  return loss
}

function trainedOn(
  samples: LabelledSample[],
  positives: number,
  seed: number | undefined,
): RiskModelJson['trainedOn'] {
  const times = samples.map((s) => s.at.getTime())
  return {
    samples: samples.length,
    positives,
    from: new Date(Math.min(...times)).toISOString(),
    to: new Date(Math.max(...times)).toISOString(),
    ...(seed !== undefined ? { seed } : {}),
  }
}

/** Scores one checkout: 0-99 and the features that pushed it up. Microseconds: a dot product. */
export function scoreRisk(model: RiskModelJson, signals: Signals): RiskScore {
  const row = transformed(model, signals)
  let z = model.bias
  const bySignal = new Map<SignalName, number>()
  for (let j = 0; j < row.length; j++) {
    const standardized =
      ((row[j] as number) - (model.means[j] as number)) / (model.scales[j] as number)
    const contribution = (model.weights[j] as number) * standardized
    z += contribution
    // Reasons speak in signals an administrator can check, so a derived feature's push is
    // credited to the signals it is built from.
    const feature = model.features[j] as FeatureName
    const sources: readonly SignalName[] = isDerived(feature)
      ? DERIVED_FEATURES[feature].of
      : [feature]
    for (const source of sources) {
      bySignal.set(source, (bySignal.get(source) ?? 0) + contribution / sources.length)
    }
  }
  const probability = sigmoid(z)
  const contributions: RiskReason[] = [...bySignal]
    .filter(([, contribution]) => contribution > 0)
    .map(([feature, contribution]) => ({ feature, contribution }))
    .sort((a, b) => b.contribution - a.contribution)
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
    model.features?.some((f) => !(MODEL_FEATURES as readonly string[]).includes(f)) ||
    model.weights?.length !== n ||
    model.means?.length !== n ||
    model.scales?.length !== n ||
    typeof model.bias !== 'number'
  ) {
    throw new Error('Not a risk model this version can read')
  }
  return model as RiskModelJson
}
