import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { CaptureMailer } from '@kloset/core'
import { testMongoUri, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import MailList from './mail/list.js'
import MailShow from './mail/show.js'

let mailId: string
const world = testWorldForSuite()
beforeAll(async () => {
  const capture = new CaptureMailer(
    join(world.config.dataDir, 'mail'),
    'KlosetStore <no-reply@kloset.local>',
  )
  mailId = (
    await capture.send({
      to: 'tolu@example.test',
      subject: 'Confirm your KlosetStore email',
      text: 'Confirm: http://localhost:8080/verify-email?token=abc123',
      html: '<p>Confirm</p>',
    })
  ).messageId
})

describe('kloset mail', () => {
  it('lists captured mail newest first', async () => {
    const run = await runCommand(world, MailList, ['--json'])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: {
        items: [{ id: mailId, to: 'tolu@example.test', subject: 'Confirm your KlosetStore email' }],
      },
    })
  })

  it('shows a mail with its links, by a unique prefix of its id', async () => {
    const run = await runCommand(world, MailShow, [mailId.slice(0, 30), '--json'])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { mail: { links: ['http://localhost:8080/verify-email?token=abc123'] } },
    })
  })

  it('answers an unknown id with exit code 5', async () => {
    const run = await runCommand(world, MailShow, ['no-such-mail', '--json'])
    expect(run.exitCode).toBe(5)
  })
})

describe('bin/kloset', () => {
  it('runs as a real process with the JSON envelope', async () => {
    const bin = fileURLToPath(new URL('../../../../bin/kloset', import.meta.url))
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'mail', 'list', '--json'],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          MONGODB_URI: `${testMongoUri()}${world.dbName}`,
          DATA_DIR: world.config.dataDir,
          JWT_SECRET: world.config.jwtSecret,
        },
      },
    )
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', result: { items: [{ id: mailId }] } })
  })
})
