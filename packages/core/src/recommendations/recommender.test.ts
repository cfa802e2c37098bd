import { describe, expect, it } from '@jest/globals'
import {
  evaluateRecommendations,
  GOAL_COVERAGE,
  GOAL_LIFT,
  syntheticHistory,
} from './recommendation.evaluation.js'
import {
  capPerStore,
  contentSimilarity,
  type ItemFeatures,
  type PurchaseSignal,
  Recommender,
} from './recommender.js'

const NOW = Date.UTC(2026, 5, 1)
const DAY = 24 * 3600_000

const item = (id: string, over: Partial<ItemFeatures> = {}): ItemFeatures => ({
  id,
  storeId: 's1',
  category: 'women',
  brand: 'Adire Lab',
  colours: ['blue'],
  price: 1_000_000,
  ...over,
})

/** Each buyer bought every product of their basket yesterday. */
const baskets = (...groups: string[][]): PurchaseSignal[] =>
  groups.flatMap((products, b) =>
    products.map((productId) => ({ buyerId: `b${b}`, productId, at: NOW - DAY, quantity: 1 })),
  )

describe('the recommender', () => {
  const items = ['a', 'b', 'c', 'd'].map((id) => item(id))

  it('needs the minimum support before a pair counts as also bought', () => {
    const model = Recommender.train(baskets(['a', 'b'], ['a', 'b'], ['a', 'c']), items, NOW)
    const also = model.alsoBought('a', 5)
    expect(also[0]).toMatchObject({
      productId: 'b',
      reason: 'Customers who bought this also bought it',
    })
    // a+c was bought by one buyer only: c comes as a content-similar filler, far below b.
    const c = also.find((s) => s.productId === 'c')
    expect(c?.reason).toMatch(/^Similar/)
    expect(c?.score).toBeLessThan((also[0]?.score ?? 0) / 1000)
  })

  it('shrinks a pair with little support below one with more at the same cosine', () => {
    const history = baskets(...Array.from({ length: 10 }, () => ['a', 'b']), ['c', 'd'], ['c', 'd'])
    const model = Recommender.train(history, items, NOW)
    const ab = model.alsoBought('a', 1)[0]
    const cd = model.alsoBought('c', 1)[0]
    // Both pairs have cosine 1; 10 buyers beat 2.
    expect(ab?.score).toBeGreaterThan((cd?.score ?? 0) * 1.5)
  })

  it('falls back to content similarity for a product nobody bought, saying what is alike', () => {
    const catalog = [
      item('new', { brand: 'Kente Co', colours: ['gold'] }),
      item('same-brand', { brand: 'Kente Co', colours: ['red'] }),
      item('same-colour', { brand: 'Other', colours: ['gold'], price: 9_000_000 }),
      item('other-category', { category: 'shoes', brand: 'Kente Co' }),
    ]
    const model = Recommender.train([], catalog, NOW)
    const also = model.alsoBought('new', 5)
    expect(also.map((s) => s.productId)).toEqual(['same-brand', 'same-colour'])
    expect(also[0]?.reason).toBe('Similar category, brand and price range')
    expect(contentSimilarity(catalog[0] as ItemFeatures, catalog[3] as ItemFeatures)).toBe(0)
  })

  it('recommends for you around what the buyer bought, never what they bought, with a reason', () => {
    const titles: Record<string, string> = { a: 'Ankara wrap dress' }
    const model = Recommender.train(
      baskets(['a', 'b'], ['a', 'b'], ['a', 'b', 'c']),
      items,
      NOW,
      undefined,
      (id) => titles[id] ?? id,
    )
    const picks = model.forYou(
      [{ productId: 'a', source: 'order', at: NOW - DAY }],
      NOW,
      3,
      new Set(['a']),
    )
    expect(picks[0]).toMatchObject({
      productId: 'b',
      reason: 'Because you bought Ankara wrap dress',
    })
    expect(picks.map((p) => p.productId)).not.toContain('a')
  })

  it('falls back to trending in the seed categories for a buyer with no neighbours', () => {
    const catalog = [
      item('w1'),
      item('s1', { category: 'shoes' }),
      item('s2', { category: 'shoes' }),
    ]
    const model = Recommender.train(baskets(['s1'], ['s1'], ['s2']), catalog, NOW)
    const picks = model.forYou([{ productId: 's2', source: 'view', at: NOW }], NOW, 2, new Set())
    expect(picks[0]).toMatchObject({ productId: 's1' })
    expect(picks.some((p) => p.reason === 'Trending in shoes')).toBe(true)
  })

  it('decays popularity: a sale a month ago counts less than one yesterday', () => {
    const history: PurchaseSignal[] = [
      { buyerId: 'x', productId: 'a', at: NOW - 30 * DAY, quantity: 3 },
      { buyerId: 'y', productId: 'b', at: NOW - DAY, quantity: 1 },
    ]
    const model = Recommender.train(history, items, NOW)
    expect(model.popularity.get('b')).toBeGreaterThan(model.popularity.get('a') ?? 0)
    expect(model.trending([], 2).map((s) => s.productId)).toEqual(['b', 'a'])
  })

  it('keeps at most three items of one store in a list', () => {
    const list = ['1', '2', '3', '4', '5'].map((n) => ({
      productId: n,
      score: 10 - Number(n),
      reason: '',
    }))
    const storeOf = (id: string) => (id === '5' ? 's2' : 's1')
    expect(capPerStore(list, storeOf, 3, 10).map((s) => s.productId)).toEqual(['1', '2', '3', '5'])
  })
})

describe('the evaluation', () => {
  it('makes the same synthetic history from the same seed', () => {
    const a = syntheticHistory({ seed: 7, buyers: 100, products: 100 })
    const b = syntheticHistory({ seed: 7, buyers: 100, products: 100 })
    expect(a.purchases).toEqual(b.purchases)
    expect(syntheticHistory({ seed: 8, buyers: 100, products: 100 }).purchases).not.toEqual(
      a.purchases,
    )
  })

  it(`beats the popularity baseline ${GOAL_LIFT}x on HitRate@10 and NDCG@10 and covers ${GOAL_COVERAGE * 100}% of the catalog`, () => {
    const report = evaluateRecommendations()
    const [popularity, served] = report.methods
    expect(report.testBuyers).toBeGreaterThan(300)
    expect(served?.hitRate).toBeGreaterThanOrEqual((popularity?.hitRate ?? 1) * GOAL_LIFT)
    expect(served?.ndcg).toBeGreaterThanOrEqual((popularity?.ndcg ?? 1) * GOAL_LIFT)
    expect(served?.coverage).toBeGreaterThanOrEqual(GOAL_COVERAGE)
    expect(report.goals.met).toBe(true)
  })

  it('refuses a test window as long as the history', () => {
    expect(() => evaluateRecommendations({ days: 30, testDays: 30 })).toThrow(/shorter than days/)
  })
})
