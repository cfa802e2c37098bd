import { describe, expect, it } from '@jest/globals'
import type { FraudCaseDTO, RiskEvaluationReport } from '@kloset/core'
import {
  A_PASSWORD,
  aBuyer,
  adminCliCtx,
  anIdempotencyKey,
  anonCtx,
  aShippingAddress,
  aStoreSelling,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { progressLine } from '../progress.js'
import { type Ok, runCommand } from '../test-support/run-command.js'
import FraudClear from './fraud/clear.js'
import FraudConfirm from './fraud/confirm.js'
import FraudList from './fraud/list.js'
import FraudModelEvaluate from './fraud/model/evaluate.js'
import FraudModelPromote from './fraud/model/promote.js'
import FraudModelTrain from './fraud/model/train.js'
import FraudRulesList from './fraud/rules/list.js'
import FraudRulesPublish from './fraud/rules/publish.js'
import FraudShow from './fraud/show.js'

const { world } = paystackWorldForSuite()

let address = 30

/** A checkout whose seller signed in from the buyer's address: an open review case. */
async function aReviewCase(): Promise<FraudCaseDTO> {
  const ip = `192.0.2.${address++}`
  const store = await aStoreSelling(world)
  await world.core.accounts.login(anonCtx(world.clock.now(), ip), {
    email: store.email,
    password: A_PASSWORD,
  })
  const buyer = await aBuyer(world)
  const ctx = { ...buyer.ctx, ip }
  await world.core.cart.addItem(ctx, { variantId: store.variant.id, quantity: 1 })
  const result = await world.core.checkout.checkout(
    ctx,
    { shippingAddress: aShippingAddress() },
    anIdempotencyKey(),
  )
  const page = await world.core.fraud.listCases(adminCliCtx(world.clock.now()), {
    buyerId: buyer.user.id,
  })
  expect(page.items[0]?.orderGroupId).toBe(result.body.orderGroup.id)
  return page.items[0]!
}

describe('kloset fraud', () => {
  it('lists the open cases as JSON', async () => {
    const open = await aReviewCase()
    const run = await runCommand(world, FraudList, ['--status', 'open', '--json'])
    expect(run.exitCode).toBe(0)
    const { result } = run.json as unknown as Ok<{ items: FraudCaseDTO[] }>
    expect(result.items.map((c) => c.id)).toContain(open.id)
  })

  it('shows a case with the rules that fired', async () => {
    const open = await aReviewCase()
    const run = await runCommand(world, FraudShow, [open.id])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('shared_ip_with_seller')
    expect(run.stdout).toContain('sharedIpWithSeller')
  })

  it('clears a case with a reason', async () => {
    const open = await aReviewCase()
    const run = await runCommand(world, FraudClear, [open.id, '--reason', 'Known buyer', '--json'])
    expect(run.exitCode).toBe(0)
    expect((run.json as unknown as Ok<{ case: FraudCaseDTO }>).result.case.status).toBe('cleared')
  })

  it('refuses to confirm under --json without --yes, and changes nothing', async () => {
    const open = await aReviewCase()
    const run = await runCommand(world, FraudConfirm, [open.id, '--reason', 'Stolen', '--json'])
    expect(run.json?.error?.code).toBe('confirmation_required')
    const still = await world.core.fraud.getCase(adminCliCtx(world.clock.now()), open.id)
    expect(still.status).toBe('open')
  })

  it('confirms a case with --yes, cancelling its unpaid order', async () => {
    const open = await aReviewCase()
    const run = await runCommand(world, FraudConfirm, [
      open.id,
      '--reason',
      'Self-purchase',
      '--yes',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const { result } = run.json as unknown as Ok<{ case: FraudCaseDTO }>
    expect(result.case).toMatchObject({ status: 'confirmed', label: 'fraud' })
    expect(result.case.resolution?.cancelled).toEqual(open.orderIds)
  })

  it('exits with not_found for an unknown case', async () => {
    const run = await runCommand(world, FraudShow, ['0123456789abcdef01234567', '--json'])
    expect(run.json?.error?.code).toBe('not_found')
    expect(run.exitCode).not.toBe(0)
  })

  it('publishes a rule set as the shadow and lists it', async () => {
    const run = await runCommand(world, FraudRulesPublish, ['2', '--shadow', '--json'])
    expect(run.exitCode).toBe(0)
    const list = await runCommand(world, FraudRulesList, [])
    expect(list.stdout).toContain('v2 baseline-tight')
    expect(list.stdout).toContain('shadow')
  })

  it('trains, evaluates and promotes a model, and refuses a second one that does not win', async () => {
    const window = ['--days', '20', '--holdout-days', '5', '--json']
    const trained = await runCommand(world, FraudModelTrain, [...window, '--epochs', '100'])
    expect(trained.exitCode).toBe(0)
    const { result } = trained.json as unknown as Ok<{
      model: { version: number; status: string }
      evaluation: RiskEvaluationReport
    }>
    expect(result.model.status).toBe('candidate')
    const evaluated = await runCommand(world, FraudModelEvaluate, window)
    expect(evaluated.exitCode).toBe(0)
    const promoted = await runCommand(world, FraudModelPromote, [
      String(result.model.version),
      ...window,
    ])
    expect(promoted.exitCode).toBe(0)
    // The same data and seed train the same model: it ties with the live one, so it cannot win.
    const again = await runCommand(world, FraudModelTrain, [...window, '--epochs', '100'])
    const second = (again.json as unknown as Ok<{ model: { version: number } }>).result.model
    const refused = await runCommand(world, FraudModelPromote, [String(second.version), ...window])
    expect(refused.json?.error?.code).toBe('model_does_not_win')
  }, 180_000)

  it('draws a progress bar line', () => {
    expect(progressLine(15, 30, 'epoch 15/30', 10)).toBe('[#####-----]  50% epoch 15/30')
  })
})
