import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  adminCliCtx,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from './server.js'

/**
 * `npm run postman`'s collection, run by newman's own binary against a live server: the two
 * happy-path folders, with the verification tokens taken from the mail capture in between, as a
 * person with `bin/kloset mail show` would. Uses the built server (npm test builds first).
 */
const run = promisify(execFile)
const repo = new URL('../../../', import.meta.url).pathname
const newman = join(repo, 'node_modules/.bin/newman')

let pw: PaystackWorld
let server: RunningServer
let dir: string
beforeAll(async () => {
  pw = await createPaystackWorld()
  server = await startServer(pw.world.core, { port: 0, host: '127.0.0.1' })
  pw.sandbox.setWebhookUrl(`${server.url}/api/v1/webhooks/paystack`)
  dir = await mkdtemp(join(tmpdir(), 'kloset-postman-'))
})
afterAll(async () => {
  await server.close()
  await pw.close()
  await rm(dir, { recursive: true, force: true })
})

interface NewmanReport {
  run: {
    stats: {
      requests: { total: number; failed: number }
      assertions: { total: number; failed: number }
    }
    failures: { error: { message: string }; source?: { name?: string } }[]
  }
}

async function newmanRun(
  folder: string,
  report: string,
  vars: Record<string, string>,
  env: string,
) {
  const args = ['run', join(dir, 'kloset.postman_collection.json'), '-e', env, '--folder', folder]
  for (const [key, value] of Object.entries(vars)) args.push('--env-var', `${key}=${value}`)
  args.push('--export-environment', join(dir, `${report}.env.json`))
  args.push('--reporters', 'json', '--reporter-json-export', join(dir, `${report}.json`))
  await run(newman, args, { cwd: repo }).catch((error: { stdout?: string }) => error)
  const result = JSON.parse(await readFile(join(dir, `${report}.json`), 'utf8')) as NewmanReport
  const failures = result.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)
  return { stats: result.run.stats, failures, env: join(dir, `${report}.env.json`) }
}

const savedValue = async (env: string, key: string) => {
  const saved = JSON.parse(await readFile(env, 'utf8')) as {
    values: { key: string; value: string }[]
  }
  return saved.values.find((v) => v.key === key)?.value ?? ''
}

describe('the Postman collection', () => {
  it('is generated with a folder per area and runs its happy path under newman', async () => {
    await run('node', [join(repo, 'bin/postman.js'), dir], { cwd: repo })
    const collection = JSON.parse(
      await readFile(join(dir, 'kloset.postman_collection.json'), 'utf8'),
    ) as { item: { name: string }[] }
    expect(collection.item.map((f) => f.name)).toEqual(
      expect.arrayContaining(['Accounts', 'Catalog', 'Checkout', 'Orders', 'Seller: orders']),
    )

    const base = { baseUrl: server.url, password: A_PASSWORD }
    const first = await newmanRun(
      'Happy path 1: sign up',
      'part1',
      base,
      join(dir, 'kloset.postman_environment.json'),
    )
    expect(first.failures).toEqual([])
    expect(first.stats.requests.total).toBe(3)

    const tokens: Record<string, string> = {}
    for (const who of ['seller', 'buyer']) {
      const mail = await pw.world.smtp.waitFor(
        await savedValue(first.env, `${who}Email`),
        /Confirm/,
      )
      tokens[`${who}VerifyToken`] = new URL(mail.links[0]!).searchParams.get('token')!
    }
    const admin = await aVerifiedUser(pw.world, 'admin')
    const second = await newmanRun(
      'Happy path 2: verify, sell, pay, ship, deliver',
      'part2',
      { ...base, ...tokens, adminEmail: admin.email, adminPassword: A_PASSWORD },
      first.env,
    )
    expect(second.failures).toEqual([])
    expect(second.stats.requests).toMatchObject({ total: 19, failed: 0 })
    expect(second.stats.assertions).toMatchObject({ total: 29, failed: 0 })
    const orderId = await savedValue(second.env, 'orderId')
    const order = await pw.world.core.orders.get(adminCliCtx(pw.world.clock.now()), orderId)
    expect(order.status).toBe('delivered')
  }, 300_000)
})
