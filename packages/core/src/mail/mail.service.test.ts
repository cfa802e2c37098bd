import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { anEmail, createTestWorld, type TestWorld } from '../test-support/harness.js'
import { MAIL_MAX_ATTEMPTS, MailService, mailRetryDelayMs } from './mail.service.js'
import { createMailOutboxModel, type MailOutboxModel } from './mail-outbox.model.js'

let world: TestWorld
let outbox: MailOutboxModel
let mail: MailService
beforeAll(async () => {
  world = await createTestWorld()
  outbox = createMailOutboxModel(world.core.connection)
  mail = new MailService({
    mailer: world.core.mailer,
    logger: world.core.logger,
    outbox,
    clock: world.clock,
  })
})
afterAll(async () => {
  await mail.drain()
  await world.close()
})

const notice = { subject: 'Outbox notice', text: 'Hello', html: '<p>Hello</p>' }

describe('the mail outbox', () => {
  it('retries with growing delays and keeps a mail that never goes as failed', async () => {
    const to = anEmail('outbox')
    world.smtp.refuseNext(MAIL_MAX_ATTEMPTS)
    await mail.send(to, notice)
    await mail.drain()
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      expect(await outbox.findOne({ to }).lean()).toMatchObject({
        status: 'pending',
        attempts: attempt,
      })
      world.clock.advance(mailRetryDelayMs(attempt) - 1_000)
      expect(await mail.deliverDue()).toBe(0)
      expect((await outbox.findOne({ to }).lean())?.attempts).toBe(attempt)
      world.clock.advance(1_000)
      await mail.deliverDue()
    }
    const failed = await outbox.findOne({ to }).lean()
    expect(failed).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS })
    expect(failed?.lastError).toMatch(/Try again later/)

    world.clock.advance(24 * 3600_000)
    expect(await mail.deliverDue()).toBe(0)
    expect(world.smtp.to(to)).toHaveLength(0)
  })

  it('delivers a queued mail once and removes it from the outbox', async () => {
    const to = anEmail('outbox')
    await mail.send(to, notice)
    await mail.drain()
    expect(world.smtp.to(to)).toHaveLength(1)
    expect(await outbox.countDocuments({ to })).toBe(0)
    expect(await mail.deliverDue()).toBe(0)
  })
})
