import { describe, expect, it } from '@jest/globals'
import { adminCliCtx, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import IpBlock from './ip/block.js'
import IpList from './ip/list.js'
import IpUnblock from './ip/unblock.js'

const world = testWorldForSuite()

describe('kloset ip', () => {
  it('blocks a range, lists it, and the running core refuses its addresses', async () => {
    const run = await runCommand(world, IpBlock, [
      '198.18.5.5/16',
      '--reason',
      'credential stuffing',
      '--expires-in',
      '60',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { block: { cidr: '198.18.0.0/16', reason: 'credential stuffing' } },
    })
    const listed = await runCommand(world, IpList, ['--json'])
    expect(listed.json).toMatchObject({ result: { items: [{ cidr: '198.18.0.0/16' }] } })
    expect(await world.core.ipBlocks.isBlocked('198.18.200.1')).toBe(true)
    const audit = await world.core.audit.list(adminCliCtx(), { limit: 5, action: 'ip.blocked' })
    expect(audit.items[0]).toMatchObject({ target: { type: 'ip', id: '198.18.0.0/16' } })
    expect(audit.items[0]!.actor).toMatch(/^admin-cli:/)
  })

  it('unblocks by range', async () => {
    const run = await runCommand(world, IpUnblock, ['198.18.0.0/16', '--reason', 'done', '--json'])
    expect(run.exitCode).toBe(0)
    const listed = await runCommand(world, IpList, ['--json'])
    expect(listed.json).toMatchObject({ result: { items: [] } })
  })

  it('refuses a malformed range with the validation exit code and blocks nothing', async () => {
    const run = await runCommand(world, IpBlock, ['10.0.0.0/40', '--reason', 'typo', '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
    expect(run.exitCode).toBe(3)
    expect((await world.core.ipBlocks.list(adminCliCtx())).items).toEqual([])
  })

  it('says when there is no such block', async () => {
    const run = await runCommand(world, IpUnblock, ['192.0.2.1', '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'ip_block_not_found' } })
  })
})
