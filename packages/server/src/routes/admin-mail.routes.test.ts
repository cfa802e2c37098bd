import { beforeAll, describe, expect, it } from '@jest/globals'
import { adminCliCtx, anAdminToken, aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let admin: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  admin = await anAdminToken(world)
})

/** A mail that failed all its attempts, as the deliver-mail job leaves it. */
async function aFailedMail(to: string) {
  const outbox = world.core.connection.collection('mail_outbox')
  const { insertedId } = await outbox.insertOne({
    to,
    subject: 'Reset your password',
    text: 'https://kloset.test/reset?token=secret-token',
    html: '<a href="https://kloset.test/reset?token=secret-token">reset</a>',
    status: 'failed',
    attempts: 10,
    nextAttemptAt: new Date(),
    lastError: 'connect ECONNREFUSED 127.0.0.1:2525',
    createdAt: new Date(),
  })
  return String(insertedId)
}

describe('the failed mail view', () => {
  it('lists failed mail with its last error, and never its body', async () => {
    const id = await aFailedMail('ola@example.test')
    const page = await http.call<{ items: Record<string, unknown>[] }>(
      'GET',
      '/api/v1/admin/mail/outbox',
      { token: admin },
    )
    expect(page.status).toBe(200)
    const item = page.body.items.find((m) => m.id === id)
    expect(item).toMatchObject({
      to: 'ola@example.test',
      status: 'failed',
      attempts: 10,
      lastError: 'connect ECONNREFUSED 127.0.0.1:2525',
    })
    expect(JSON.stringify(page.body)).not.toContain('secret-token')
  })

  it('queues a failed mail again, which the deliver-mail job then sends once', async () => {
    const id = await aFailedMail('ade@example.test')
    const retried = await http.call<{ mail: { status: string; attempts: number } }>(
      'POST',
      `/api/v1/admin/mail/outbox/${id}/retry`,
      { token: admin },
    )
    expect(retried.status).toBe(200)
    expect(retried.body.mail).toMatchObject({ status: 'pending', attempts: 0 })
    await world.core.jobs.run(adminCliCtx(world.clock.now()), 'deliver-mail')
    const received = await world.smtp.waitFor('ade@example.test', /Reset your password/)
    expect(received.text).toContain('secret-token')
    const left = await world.core.connection
      .collection('mail_outbox')
      .countDocuments({ to: 'ade@example.test' })
    expect(left).toBe(0)
    const audit = await world.core.audit.list(adminCliCtx(), { limit: 5, action: 'mail.retried' })
    expect(audit.items.map((e) => e.target.id)).toContain(id)
  })

  it('refuses to retry a mail that has not failed, or one that does not exist', async () => {
    const pendingId = String(
      (
        await world.core.connection.collection('mail_outbox').insertOne({
          to: 'wait@example.test',
          subject: 'Later',
          text: 't',
          html: 'h',
          status: 'pending',
          attempts: 1,
          nextAttemptAt: new Date(Date.now() + 3_600_000),
          createdAt: new Date(),
        })
      ).insertedId,
    )
    const pending = await http.call('POST', `/api/v1/admin/mail/outbox/${pendingId}/retry`, {
      token: admin,
    })
    expect(pending.status).toBe(409)
    expect(pending.body).toMatchObject({ error: { code: 'mail_not_failed' } })
    const missing = await http.call(
      'POST',
      '/api/v1/admin/mail/outbox/0123456789abcdef01234567/retry',
      {
        token: admin,
      },
    )
    expect(missing.status).toBe(404)
  })

  it('is for administrators only', async () => {
    const buyer = (await aVerifiedUser(world)).session.accessToken
    expect((await http.call('GET', '/api/v1/admin/mail/outbox', { token: buyer })).status).toBe(403)
  })
})
