import { describe, expect, it } from '@jest/globals'
import { A_PASSWORD, anEmail, aVerifiedUser, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import AdminsCreate from './admins/create.js'
import AuditList from './audit/list.js'
import MailList from './mail/list.js'
import UsersList from './users/list.js'
import UsersReinstate from './users/reinstate.js'
import UsersShow from './users/show.js'
import UsersSuspend from './users/suspend.js'

const world = testWorldForSuite()

describe('kloset admins create', () => {
  it('creates a verified administrator from a password on stdin', async () => {
    const email = anEmail('admin')
    const run = await runCommand(
      world,
      AdminsCreate,
      ['--email', email, '--name', 'Ada', '--password-stdin', '--json'],
      `${A_PASSWORD}\n`,
    )
    expect(run.exitCode).toBe(0)
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { user: { email, role: 'admin', emailVerified: true } },
    })
    const session = await world.core.accounts.login(
      { actor: { kind: 'anonymous' }, now: new Date(), requestId: 't' },
      { email, password: A_PASSWORD },
    )
    expect(session.user.role).toBe('admin')
  })

  it('refuses to prompt under --json without --password-stdin', async () => {
    const run = await runCommand(world, AdminsCreate, [
      '--email',
      anEmail(),
      '--name',
      'Ada',
      '--json',
    ])
    expect(run.exitCode).toBe(3)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
  })

  it('refuses a taken email with exit code 6', async () => {
    const { email } = await aVerifiedUser(world, 'buyer')
    const run = await runCommand(
      world,
      AdminsCreate,
      ['--email', email, '--name', 'Ada', '--password-stdin', '--json'],
      A_PASSWORD,
    )
    expect(run.exitCode).toBe(6)
    expect(run.json?.error?.code).toBe('email_taken')
  })

  it('has no password flag at all', async () => {
    const run = await runCommand(world, AdminsCreate, [
      '--email',
      anEmail(),
      '--name',
      'Ada',
      '--password',
      'x',
      '--json',
    ])
    expect(run.exitCode).toBe(2)
  })
})

describe('kloset users', () => {
  it('lists users filtered by role as JSON with a page envelope', async () => {
    const seller = await aVerifiedUser(world, 'seller')
    const run = await runCommand(world, UsersList, ['--role', 'seller', '--json'])
    expect(run.exitCode).toBe(0)
    const result = run.json?.result as { items: { email: string; role: string }[] }
    expect(result.items.map((u) => u.email)).toContain(seller.email)
    expect(result.items.every((u) => u.role === 'seller')).toBe(true)
  })

  it('prints a table for people', async () => {
    const { email } = await aVerifiedUser(world, 'buyer')
    const run = await runCommand(world, UsersList, [])
    expect(run.stdout).toContain(email)
    expect(run.stdout).toMatch(/│ email/)
  })

  it('shows a user by email', async () => {
    const { email, user } = await aVerifiedUser(world, 'buyer')
    const run = await runCommand(world, UsersShow, [email, '--json'])
    expect(run.json).toMatchObject({ status: 'ok', result: { user: { id: user.id } } })
  })

  it('answers an unknown user with not_found and exit code 5', async () => {
    const run = await runCommand(world, UsersShow, ['nobody@example.test', '--json'])
    expect(run.exitCode).toBe(5)
    expect(run.json).toEqual({
      status: 'error',
      error: { code: 'not_found', message: 'User not found' },
    })
  })

  it('suspends with a reason, audits it with the operator, and refuses a second suspension', async () => {
    const { user } = await aVerifiedUser(world, 'seller')
    const run = await runCommand(world, UsersSuspend, [
      user.id,
      '--reason',
      'counterfeit goods',
      '--json',
    ])
    expect(run.json).toMatchObject({ status: 'ok', result: { user: { status: 'suspended' } } })
    const again = await runCommand(world, UsersSuspend, [
      user.id,
      '--reason',
      'counterfeit goods',
      '--json',
    ])
    expect(again.exitCode).toBe(6)
    const audit = await world.core.audit.listFor(
      { actor: { kind: 'admin-cli', id: 'cli:t', osUser: 't' }, now: new Date(), requestId: 't' },
      { type: 'user', id: user.id },
    )
    expect(audit[0]).toMatchObject({ action: 'user.suspended', reason: 'counterfeit goods' })
    expect(audit[0]?.actor).toMatch(/^admin-cli:cli:/)
  })

  it('lists the suspension in kloset audit list, filtered by action and target', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    await runCommand(world, UsersSuspend, [user.id, '--reason', 'chargeback ring', '--json'])
    const run = await runCommand(world, AuditList, [
      '--action',
      'user.suspended',
      '--target-type',
      'user',
      '--target-id',
      user.id,
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { items: [{ action: 'user.suspended', reason: 'chargeback ring' }] },
    })
    const bad = await runCommand(world, AuditList, ['--since', 'last tuesday', '--json'])
    expect(bad.exitCode).not.toBe(0)
  })

  it('requires a reason to suspend', async () => {
    const { user } = await aVerifiedUser(world, 'seller')
    const run = await runCommand(world, UsersSuspend, [user.id, '--json'])
    expect(run.exitCode).toBe(2)
    expect(run.json?.status).toBe('error')
  })

  it('reinstates a suspended user', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    await runCommand(world, UsersSuspend, [user.id, '--reason', 'chargebacks', '--json'])
    const run = await runCommand(world, UsersReinstate, [user.id, '--json'])
    expect(run.json).toMatchObject({ status: 'ok', result: { user: { status: 'active' } } })
  })
})

describe('kloset mail', () => {
  it('lists nothing when mail goes to an SMTP server', async () => {
    const run = await runCommand(world, MailList, ['--json'])
    expect(run.json).toEqual({ status: 'ok', result: { items: [] } })
  })
})
