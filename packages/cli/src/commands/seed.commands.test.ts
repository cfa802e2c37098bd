import { describe, expect, it } from '@jest/globals'
import type { DemoSeedResult } from '@kloset/core'
import { anonCtx, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import SeedDemo from './seed/demo.js'

const world = testWorldForSuite()

describe('kloset seed demo', () => {
  it('seeds an empty database and prints the admin credentials in the JSON envelope', async () => {
    const run = await runCommand(world, SeedDemo, ['--domain', 'demo.test', '--json'])
    expect(run.exitCode).toBe(0)
    const result = (run.json as { result: DemoSeedResult }).result
    expect(result.admin.email).toBe('admin@demo.test')
    const session = await world.core.accounts.login(anonCtx(world.clock.now()), result.admin)
    expect(session.user.role).toBe('admin')
  }, 60_000)

  it('refuses a database that has accounts, with exit code 6 and not_empty', async () => {
    const run = await runCommand(world, SeedDemo, ['--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'not_empty' } })
    expect(run.exitCode).toBe(6)
  })

  it('refuses a malformed domain before touching the database', async () => {
    const run = await runCommand(world, SeedDemo, ['--domain', 'not a domain', '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
  })
})
