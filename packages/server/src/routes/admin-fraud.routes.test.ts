import { beforeAll, describe, expect, it } from '@jest/globals'
import type { FraudCaseDTO, FraudCaseEvidence, Page } from '@kloset/core'
import {
  A_PASSWORD,
  anAdminToken,
  anIdempotencyKey,
  anonCtx,
  aShippingAddress,
  aStoreSelling,
  aVerifiedUser,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { world, http } = paystackApiForSuite()
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type ErrorBody = { error: { code: string; message: string } }
let address = 20

/** A checkout over HTTP by a buyer whose seller signed in from the same address: a review case. */
async function aReviewCase(): Promise<{ orderGroupId: string; ip: string }> {
  const ip = `203.0.113.${address++}`
  const store = await aStoreSelling(world)
  await world.core.accounts.login(anonCtx(world.clock.now(), ip), {
    email: store.email,
    password: A_PASSWORD,
  })
  const buyer = await aVerifiedUser(world, 'buyer')
  const token = buyer.session.accessToken
  await http.call('POST', '/api/v1/cart/items', {
    token,
    ip,
    body: { variantId: store.variant.id, quantity: 1 },
  })
  const res = await http.call<{ orderGroup: { id: string } }>('POST', '/api/v1/checkout', {
    token,
    ip,
    headers: { 'idempotency-key': anIdempotencyKey() },
    body: { shippingAddress: aShippingAddress(), deviceId: 'device-abcdef-01' },
  })
  expect(res.status).toBe(201)
  return { orderGroupId: res.body.orderGroup.id, ip }
}

async function caseOf(orderGroupId: string): Promise<FraudCaseDTO> {
  const res = await http.call<Page<FraudCaseDTO>>(
    'GET',
    '/api/v1/admin/fraud/cases?status=open&limit=100',
    {
      token: adminToken,
    },
  )
  expect(res.status).toBe(200)
  const found = res.body.items.find((c) => c.orderGroupId === orderGroupId)
  expect(found).toBeDefined()
  return found!
}

describe('/api/v1/admin/fraud', () => {
  it('lists open cases and shows one with its evidence', async () => {
    const { orderGroupId, ip } = await aReviewCase()
    const listed = await caseOf(orderGroupId)
    expect(listed).toMatchObject({ outcome: 'review', status: 'open' })
    const res = await http.call<{ case: FraudCaseEvidence }>(
      'GET',
      `/api/v1/admin/fraud/cases/${listed.id}`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.case.decision).toMatchObject({ ip, deviceId: 'device-abcdef-01' })
  })

  it('clears a case and refuses to clear it twice', async () => {
    const { orderGroupId } = await aReviewCase()
    const open = await caseOf(orderGroupId)
    const path = `/api/v1/admin/fraud/cases/${open.id}/clear`
    const first = await http.call<{ case: FraudCaseDTO }>('POST', path, {
      token: adminToken,
      body: { reason: 'Known customer' },
    })
    expect(first.status).toBe(200)
    expect(first.body.case).toMatchObject({ status: 'cleared', label: 'legit' })
    const again = await http.call<ErrorBody>('POST', path, {
      token: adminToken,
      body: { reason: 'Known customer' },
    })
    expect(again.status).toBe(409)
  })

  it('refuses a confirm without a reason and changes nothing', async () => {
    const { orderGroupId } = await aReviewCase()
    const open = await caseOf(orderGroupId)
    const res = await http.call<ErrorBody>('POST', `/api/v1/admin/fraud/cases/${open.id}/confirm`, {
      token: adminToken,
      body: { refund: true },
    })
    expect(res.status).toBe(400)
    expect((await caseOf(orderGroupId)).status).toBe('open')
  })

  it('confirms with blockIp, after which a checkout from that address answers 403 with a neutral message', async () => {
    const { orderGroupId, ip } = await aReviewCase()
    const open = await caseOf(orderGroupId)
    const confirmed = await http.call<{ case: FraudCaseDTO }>(
      'POST',
      `/api/v1/admin/fraud/cases/${open.id}/confirm`,
      { token: adminToken, body: { reason: 'Self-purchase ring', blockIp: true } },
    )
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.case.resolution?.blockedIp).toBe(ip)
    const store = await aStoreSelling(world)
    const buyer = await aVerifiedUser(world, 'buyer')
    const token = buyer.session.accessToken
    await http.call('POST', '/api/v1/cart/items', {
      token,
      ip,
      body: { variantId: store.variant.id, quantity: 1 },
    })
    const declined = await http.call<ErrorBody>('POST', '/api/v1/checkout', {
      token,
      ip,
      headers: { 'idempotency-key': anIdempotencyKey() },
      body: { shippingAddress: aShippingAddress() },
    })
    expect(declined.status).toBe(403)
    expect(declined.body.error).toMatchObject({
      code: 'checkout_declined',
      message: 'We could not complete this checkout. Please contact support.',
    })
  })

  it('refuses the queue to a buyer', async () => {
    const buyer = await aVerifiedUser(world, 'buyer')
    const res = await http.call('GET', '/api/v1/admin/fraud/cases', {
      token: buyer.session.accessToken,
    })
    expect(res.status).toBe(403)
  })

  it('publishes a rule set as the shadow and lists it', async () => {
    const res = await http.call<{ ruleSet: { version: number; mode: string } }>(
      'POST',
      '/api/v1/admin/fraud/rules/publish',
      { token: adminToken, body: { version: 2, shadow: true } },
    )
    expect(res.status).toBe(200)
    expect(res.body.ruleSet).toMatchObject({ version: 2, mode: 'shadow' })
    const listed = await http.call<{ items: { version: number; mode: string }[] }>(
      'GET',
      '/api/v1/admin/fraud/rules',
      { token: adminToken },
    )
    expect(listed.body.items.find((s) => s.version === 2)?.mode).toBe('shadow')
  })

  it('answers 404 for a rule set version the repository does not have', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/admin/fraud/rules/publish', {
      token: adminToken,
      body: { version: 99 },
    })
    expect(res.status).toBe(404)
  })

  it('snoozes a rule for a buyer and refuses a date in the past', async () => {
    const buyer = await aVerifiedUser(world, 'buyer')
    const ok = await http.call('POST', '/api/v1/admin/fraud/snoozes', {
      token: adminToken,
      body: {
        buyerId: buyer.user.id,
        ruleId: 'buyer_velocity_hour',
        until: new Date(world.clock.now().getTime() + 86_400_000).toISOString(),
        reason: 'Wholesale buyer',
      },
    })
    expect(ok.status).toBe(201)
    const past = await http.call<ErrorBody>('POST', '/api/v1/admin/fraud/snoozes', {
      token: adminToken,
      body: {
        buyerId: buyer.user.id,
        ruleId: 'buyer_velocity_hour',
        until: '2020-01-01T00:00:00Z',
        reason: 'Wholesale buyer',
      },
    })
    expect(past.status).toBe(400)
  })

  it('lists decisions and replays them through a rule set version', async () => {
    const { orderGroupId } = await aReviewCase()
    const decisions = await http.call<Page<{ orderGroupId: string; outcome: string }>>(
      'GET',
      '/api/v1/admin/fraud/decisions?limit=100',
      { token: adminToken },
    )
    expect(decisions.status).toBe(200)
    const made = decisions.body.items.find((d) => d.orderGroupId === orderGroupId)
    expect(made?.outcome).toBe('review')
    const tested = await http.call<{ report: { version: number; replayed: number } }>(
      'POST',
      '/api/v1/admin/fraud/rules/test',
      { token: adminToken, body: { version: 2 } },
    )
    expect(tested.status).toBe(200)
    expect(tested.body.report).toMatchObject({ version: 2 })
    expect(tested.body.report.replayed).toBeGreaterThan(0)
  })

  it('trains, evaluates, promotes and lists a risk model', async () => {
    const window = { seed: 7, days: 20, holdoutDays: 5 }
    const trained = await http.call<{ model: { version: number; status: string } }>(
      'POST',
      '/api/v1/admin/fraud/models/train',
      { token: adminToken, body: { ...window, epochs: 50 } },
    )
    expect(trained.status).toBe(201)
    expect(trained.body.model.status).toBe('candidate')
    const { version } = trained.body.model
    const evaluated = await http.call<{ evaluation: { candidateWins: boolean } }>(
      'POST',
      '/api/v1/admin/fraud/models/evaluate',
      { token: adminToken, body: { ...window, version } },
    )
    expect(evaluated.status).toBe(200)
    const promoted = await http.call('POST', '/api/v1/admin/fraud/models/promote', {
      token: adminToken,
      body: { ...window, version },
    })
    expect(promoted.status).toBe(evaluated.body.evaluation.candidateWins ? 200 : 409)
    const models = await http.call<{ items: { version: number; status: string }[] }>(
      'GET',
      '/api/v1/admin/fraud/models',
      { token: adminToken },
    )
    expect(models.body.items.find((m) => m.version === version)?.status).toBe(
      evaluated.body.evaluation.candidateWins ? 'live' : 'candidate',
    )
  })

  it('describes its routes in the OpenAPI document', async () => {
    const res = await http.call<{ paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json')
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/fraud/cases',
        '/api/v1/admin/fraud/cases/{id}/confirm',
        '/api/v1/admin/fraud/models/promote',
      ]),
    )
  })
})
