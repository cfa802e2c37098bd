import { describe, expect, it } from '@jest/globals'
import { newId } from '../shared/ids.js'
import { userCtx } from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { canonicalJson } from './idempotency.service.js'

const world = testWorldForSuite()

let n = 0
const aKey = () => `idem-key-${n++}-${Date.now().toString(36)}`
const caller = () => userCtx(newId(), 'buyer', world.clock.now())

/** An operation that counts its runs and answers 201 with the run number. */
function counted(delayMs = 0) {
  const state = { runs: 0 }
  const operation = async () => {
    state.runs++
    const run = state.runs
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
    return { status: 201, body: { run, at: 'now' } }
  }
  return { state, operation }
}

describe('idempotency keys', () => {
  it('replays the same status and body for the same key and body, running once', async () => {
    const ctx = caller()
    const key = aKey()
    const { state, operation } = counted()
    const first = await world.core.idempotency.run(
      ctx,
      { scope: 's', key, request: { a: 1, b: [2] } },
      operation,
    )
    const again = await world.core.idempotency.run(
      ctx,
      { scope: 's', key, request: { b: [2], a: 1 } },
      operation,
    )
    expect(state.runs).toBe(1)
    expect(again).toEqual({ ...first, replayed: true })
    expect(first.replayed).toBe(false)
  })

  it('refuses the same key with another body with idempotency_key_reused', async () => {
    const ctx = caller()
    const key = aKey()
    const { operation } = counted()
    await world.core.idempotency.run(ctx, { scope: 's', key, request: { a: 1 } }, operation)
    await expect(
      world.core.idempotency.run(ctx, { scope: 's', key, request: { a: 2 } }, operation),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused', kind: 'unprocessable' })
  })

  it('answers idempotency_in_progress to a duplicate sent while the first still runs', async () => {
    const ctx = caller()
    const key = aKey()
    const { state, operation } = counted(200)
    const results = await Promise.allSettled([
      world.core.idempotency.run(ctx, { scope: 's', key, request: {} }, operation),
      world.core.idempotency.run(ctx, { scope: 's', key, request: {} }, operation),
    ])
    expect(state.runs).toBe(1)
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    expect(rejected).toHaveLength(1)
    expect(rejected[0]!.reason).toMatchObject({ code: 'idempotency_in_progress', kind: 'conflict' })
  })

  it('releases the key when the operation fails, so the same key can be retried', async () => {
    const ctx = caller()
    const key = aKey()
    await expect(
      world.core.idempotency.run(ctx, { scope: 's', key, request: {} }, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const { state, operation } = counted()
    await world.core.idempotency.run(ctx, { scope: 's', key, request: {} }, operation)
    expect(state.runs).toBe(1)
  })

  it('keeps callers apart: another caller with the same key runs its own request', async () => {
    const key = aKey()
    const { state, operation } = counted()
    await world.core.idempotency.run(caller(), { scope: 's', key, request: {} }, operation)
    const other = await world.core.idempotency.run(
      caller(),
      { scope: 's', key, request: {} },
      operation,
    )
    expect(state.runs).toBe(2)
    expect(other.replayed).toBe(false)
  })

  it('frees a key past its 24-hour retention', async () => {
    const ctx = caller()
    const key = aKey()
    const { state, operation } = counted()
    await world.core.idempotency.run(ctx, { scope: 's', key, request: {} }, operation)
    const later = { ...ctx, now: new Date(ctx.now.getTime() + 24 * 3600 * 1000 + 1) }
    await world.core.idempotency.run(
      later,
      { scope: 's', key, request: { other: true } },
      operation,
    )
    expect(state.runs).toBe(2)
  })

  it('requires a key', async () => {
    await expect(
      world.core.idempotency.run(
        caller(),
        { scope: 's', key: null, request: {} },
        counted().operation,
      ),
    ).rejects.toMatchObject({ code: 'idempotency_key_required', kind: 'validation' })
  })

  it('refuses a key shorter than 8 characters', async () => {
    await expect(
      world.core.idempotency.run(
        caller(),
        { scope: 's', key: 'short', request: {} },
        counted().operation,
      ),
    ).rejects.toMatchObject({ code: 'invalid_idempotency_key' })
  })

  it('sweeps expired keys', async () => {
    const ctx = caller()
    await world.core.idempotency.run(
      ctx,
      { scope: 's', key: aKey(), request: {} },
      counted().operation,
    )
    const swept = await world.core.idempotency.sweepExpired(
      new Date(ctx.now.getTime() + 25 * 3600 * 1000),
    )
    expect(swept).toBeGreaterThanOrEqual(1)
  })
})

describe('canonicalJson', () => {
  it('gives the same text for objects whose keys come in another order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    )
  })
})
