import { describe, expect, it } from '@jest/globals'
import { newId, type Page, type StoreDTO } from '@kloset/core'
import { adminCliCtx, testWorldForSuite, userCtx } from '@kloset/core/testing'
import { resultOf, runCommand } from '../test-support/run-command.js'
import StoresApprove from './stores/approve.js'
import StoresClose from './stores/close.js'
import StoresList from './stores/list.js'
import StoresReinstate from './stores/reinstate.js'
import StoresReject from './stores/reject.js'
import StoresShow from './stores/show.js'
import StoresSuspend from './stores/suspend.js'

const world = testWorldForSuite()

let counter = 0
/** A pending store registered through the core by a seller. */
async function aPendingStore(): Promise<StoreDTO> {
  return world.core.stores.register(userCtx(newId(), 'seller'), {
    name: `Gele Gallery ${Date.now().toString(36)}${counter++}`,
    description: 'Head ties, fans and beads for every owambe.',
    contactEmail: 'gele@example.test',
    contactPhone: '+234 802 555 0101',
    address: { line1: '1 Broad Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
    categories: ['traditional', 'jewellery'],
  })
}

const statusOf = async (storeId: string) =>
  (await world.core.stores.get(adminCliCtx(), storeId)).status

describe('kloset stores list and show', () => {
  it('lists pending stores in the JSON envelope', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresList, [
      '--status',
      'pending',
      '--limit',
      '100',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.json?.status).toBe('ok')
    const page = resultOf<Page<StoreDTO>>(run)
    expect(page.items.map((s) => s.id)).toContain(store.id)
    expect(page.items.every((s) => s.status === 'pending')).toBe(true)
  })

  it('prints a table for people', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresList, ['--limit', '100'])
    expect(run.stdout).toContain(store.slug)
    expect(run.stdout).toMatch(/│ slug/)
  })

  it('shows a store by slug', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresShow, [store.slug, '--json'])
    expect(run.json).toMatchObject({ status: 'ok', result: { store: { id: store.id } } })
  })

  it('answers an unknown store with not_found and exit code 5', async () => {
    const run = await runCommand(world, StoresShow, ['no-such-store', '--json'])
    expect(run.exitCode).toBe(5)
    expect(run.json).toEqual({
      status: 'error',
      error: { code: 'not_found', message: 'Store not found' },
    })
  })
})

describe('kloset stores decisions', () => {
  it('approves a pending store', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresApprove, [store.id, '--json'])
    expect(run.exitCode).toBe(0)
    expect(resultOf<{ store: StoreDTO }>(run).store.status).toBe('approved')
  })

  it('answers a second approval with invalid_transition and exit code 6', async () => {
    const store = await aPendingStore()
    await runCommand(world, StoresApprove, [store.id, '--json'])
    const run = await runCommand(world, StoresApprove, [store.id, '--json'])
    expect(run.exitCode).toBe(6)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'invalid_transition' } })
  })

  it('rejects with a reason and audits it with the operator', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresReject, [
      store.slug,
      '--reason',
      'copied photos',
      '--json',
    ])
    expect(resultOf<{ store: StoreDTO }>(run).store).toMatchObject({
      status: 'rejected',
      statusReason: 'copied photos',
    })
    const [entry] = await world.core.audit.listFor(adminCliCtx(), { type: 'store', id: store.id })
    expect(entry).toMatchObject({ action: 'store.rejected', reason: 'copied photos' })
    expect(entry?.actor).toMatch(/^admin-cli:cli:/)
  })

  it.each([
    ['reject', StoresReject],
    ['suspend', StoresSuspend],
  ] as const)('requires --reason to %s', async (_verb, command) => {
    const store = await aPendingStore()
    const run = await runCommand(world, command, [store.id, '--json'])
    expect(run.exitCode).toBe(2)
    expect(run.json?.status).toBe('error')
    expect(await statusOf(store.id)).toBe('pending')
  })

  it('suspends an approved store and reinstates it', async () => {
    const store = await aPendingStore()
    await runCommand(world, StoresApprove, [store.id, '--json'])
    const suspended = await runCommand(world, StoresSuspend, [
      store.id,
      '--reason',
      'fakes',
      '--json',
    ])
    expect(resultOf<{ store: StoreDTO }>(suspended).store.status).toBe('suspended')
    const reinstated = await runCommand(world, StoresReinstate, [store.id, '--json'])
    expect(resultOf<{ store: StoreDTO }>(reinstated).store.status).toBe('approved')
  })
})

describe('kloset stores close', () => {
  it('refuses under --json without --yes and changes nothing', async () => {
    const store = await aPendingStore()
    await world.core.stores.approve(adminCliCtx(), store.id)
    const run = await runCommand(world, StoresClose, [store.id, '--json'])
    expect(run.exitCode).toBe(3)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'confirmation_required' } })
    expect(await statusOf(store.id)).toBe('approved')
  })

  it('changes nothing with --dry-run', async () => {
    const store = await aPendingStore()
    await world.core.stores.approve(adminCliCtx(), store.id)
    const run = await runCommand(world, StoresClose, [store.id, '--dry-run', '--json'])
    expect(run.json).toMatchObject({ status: 'ok', result: { dryRun: true } })
    expect(await statusOf(store.id)).toBe('approved')
  })

  it('reports a refused close in a dry run with exit code 6', async () => {
    const store = await aPendingStore()
    const run = await runCommand(world, StoresClose, [store.id, '--dry-run', '--json'])
    expect(run.exitCode).toBe(6)
    expect(run.json).toMatchObject({ error: { code: 'invalid_transition' } })
  })

  it('closes with --yes', async () => {
    const store = await aPendingStore()
    await world.core.stores.approve(adminCliCtx(), store.id)
    const run = await runCommand(world, StoresClose, [
      store.id,
      '--reason',
      'seller retired',
      '--yes',
      '--json',
    ])
    expect(resultOf<{ store: StoreDTO }>(run).store).toMatchObject({
      status: 'closed',
      statusReason: 'seller retired',
    })
  })
})
