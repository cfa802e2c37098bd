import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  anEmail,
  aProductInput,
  aShippingAddress,
  aVariantInput,
  freePort,
  payOnCheckoutPage,
  startTestSmtp,
  type TestSmtp,
  testMongoUri,
  testRedisUrl,
} from '@kloset/core/testing'
import { type SandboxHandle, startSandbox } from '@kloset/paystack-sandbox'
import { checkedFetch } from '../test-support/checked-fetch.js'
import { ContractViolation } from '../test-support/contract.js'
import { parseDockerfile, type Replayed, replayStage } from '../test-support/dockerfile-replay.js'

/**
 * The production image, without a container runtime: the Dockerfile's runtime stage is replayed
 * into a directory (its real `npm ci --omit=dev`), and its CMD is started there the way the image
 * starts it, in production mode, against parts standing in for the real ones: the embedded engine
 * (started separately by jest's global setup) for Atlas, the machine's Redis, a real SMTP server,
 * and the Paystack sandbox behind TLS as if it were api.paystack.co. No sandbox and no secrets
 * file may appear, and a buyer gets from sign-up to a paid order.
 */
const repo = fileURLToPath(new URL('../../../..', import.meta.url))
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'))
let image: Replayed
let work: string
let smtp: TestSmtp
let sandbox: SandboxHandle
let tls: Server
let paystackUrl: string
let certFile: string
const secretKey = `sk_test_${randomBytes(20).toString('hex')}`

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kloset-image-'))
  image = replayStage(stages, 'runtime', repo, join(work, 'app'))
  smtp = await startTestSmtp()
  sandbox = await startSandbox({ secretKey, transferDelayMs: 0, feeModel: 'none' })
  // Production refuses a plain-http Paystack, so the sandbox gets a certificate of its own,
  // which the server trusts through NODE_EXTRA_CA_CERTS (what a private CA would need too).
  certFile = join(work, 'paystack.crt')
  const keyFile = join(work, 'paystack.key')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  )
  const sandboxPort = Number(new URL(sandbox.url).port)
  tls = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (socket) => {
    const upstream = connect(sandboxPort, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    socket.on('error', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
  })
  await new Promise<void>((done) => tls.listen(0, '127.0.0.1', done))
  paystackUrl = `https://127.0.0.1:${(tls.address() as { port: number }).port}`
}, 300_000)

afterAll(async () => {
  await new Promise((done) => tls?.close(done))
  await sandbox?.stop()
  await smtp?.stop()
  rmSync(work, { recursive: true, force: true })
})

/** The environment the image runs with: its ENV, then what the platform sets, nothing else. */
function imageEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    ...image.env,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    ...extra,
  }
  // The image's DATA_DIR is /app/.data: here, the replayed root's.
  env.DATA_DIR = join(image.root, '.data')
  return env
}

function startImage(env: Record<string, string>): {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
} {
  const [command, ...args] = image.cmd
  const child = spawn(command!, args, { cwd: image.root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return { child, output: () => output, exited }
}

describe('the Dockerfile', () => {
  it('builds in a stage of its own with npm ci and npm run build, which bin/setup also runs', () => {
    const build = stages.find((s) => s.name === 'build')!
    const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)
    expect(runs).toEqual(['npm ci --no-audit --no-fund --loglevel=error', 'npm run build'])
    expect(readFileSync(join(repo, 'bin/setup'), 'utf8')).toContain('npm run --silent build')
  })

  it('runs node 20 slim as the node user under tini, with a health check on /readyz', () => {
    for (const stage of stages) expect(stage.base).toMatch(/^node:20-(bookworm-)?slim$/)
    expect(image.user).toBe('node')
    expect(image.entrypoint).toEqual(['/usr/bin/tini', '--'])
    expect(image.cmd[0]).toBe('node')
    expect(image.env.NODE_ENV).toBe('production')
    expect(image.healthcheck.join(' ')).toContain('/readyz')
    expect(
      image.skipped.some((s) => s.startsWith('apt-get install -y --no-install-recommends tini')),
    ).toBe(true)
  })

  it('ships production dependencies only', () => {
    const modules = join(image.root, 'node_modules')
    for (const tool of [
      'typescript',
      'jest',
      'ts-jest',
      '@biomejs/biome',
      'playwright-core',
      'lerna',
    ]) {
      expect([tool, existsSync(join(modules, tool))]).toEqual([tool, false])
    }
    for (const needed of ['express', 'mongoose', 'ioredis', 'nodemailer', '@oclif/core']) {
      expect([needed, existsSync(join(modules, needed))]).toEqual([needed, true])
    }
    expect(existsSync(join(image.root, 'packages/server/dist/main.js'))).toBe(true)
    expect(existsSync(join(image.root, 'packages/core/src'))).toBe(false)
  })
})

describe('the image in production mode', () => {
  it('stops with one message naming every missing production setting, and writes nothing', async () => {
    const started = startImage(imageEnv({}))
    expect(await started.exited).toBe(1)
    const message = started.output()
    expect(message).toContain('Invalid configuration:')
    for (const name of [
      'JWT_SECRET',
      'MONGODB_URI',
      'PUBLIC_URL',
      'SMTP_URL',
      'PAYSTACK_SECRET_KEY',
      'PAYOUT_ENCRYPTION_KEY',
    ]) {
      expect(message).toContain(`${name}: required when NODE_ENV=production`)
    }
    expect(message.match(/Invalid configuration/g)).toHaveLength(1)
    expect(existsSync(join(image.root, '.data/secrets.json'))).toBe(false)
  }, 30_000)

  it('takes a buyer from sign-up to a paid order, with no sandbox and no secrets file', async () => {
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const database = new URL(testMongoUri())
    database.pathname = `/prod_${randomBytes(5).toString('hex')}`
    const env = imageEnv({
      PORT: String(port),
      PUBLIC_URL: origin,
      MONGODB_URI: database.toString(),
      REDIS_URL: testRedisUrl(),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'KlosetStore <orders@kloset.test>',
      PAYSTACK_SECRET_KEY: secretKey,
      PAYSTACK_BASE_URL: paystackUrl,
      NODE_EXTRA_CA_CERTS: certFile,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      PAYOUT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
    })
    sandbox.setWebhookUrl(`${origin}/api/v1/webhooks/paystack`)
    const server = startImage(env)
    try {
      await waitForReady(origin, server.output)
      expect(server.output()).toContain(`Paystack test mode at ${paystackUrl}`)
      // The image's HEALTHCHECK command answers healthy.
      const [check, ...checkArgs] = image.healthcheck
      expect((await runAsync(check!, checkArgs, image.root, env)).status).toBe(0)

      // Asynchronously: the SMTP server the CLI's mail goes to runs in this process.
      const cli = async (...args: string[]) => {
        const run = await runAsync('node', ['bin/kloset', ...args, '--json'], image.root, env)
        expect([args.join(' '), run.status, run.output]).toEqual([args.join(' '), 0, run.output])
      }
      const call = async <T>(method: string, path: string, body?: unknown, token?: string) => {
        const response = await checkedFetch(`${origin}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(path === '/api/v1/checkout' ? { 'idempotency-key': 'prod-image-checkout-1' } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        return { status: response.status, body: (await response.json()) as T }
      }
      const signUp = async (role: 'buyer' | 'seller') => {
        const email = anEmail(`prod-${role}`)
        const created = await call('POST', '/api/v1/auth/signup', {
          email,
          password: A_PASSWORD,
          name: `Prod ${role}`,
          role,
        })
        expect(created.status).toBe(202)
        const mail = await smtp.waitFor(email, /Confirm/)
        const token = new URL(mail.links.find((l) => l.includes('token='))!).searchParams.get(
          'token',
        )
        expect((await call('POST', '/api/v1/auth/verify-email', { token })).status).toBe(200)
        const login = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
          email,
          password: A_PASSWORD,
        })
        expect(login.status).toBe(200)
        return login.body.accessToken
      }

      // A seller registers a store and a product; an administrator approves both with the CLI.
      const seller = await signUp('seller')
      const store = await call<{ store: { id: string } }>(
        'POST',
        '/api/v1/seller/store',
        {
          name: `Prod House ${randomBytes(3).toString('hex')}`,
          description: 'Hand-finished ankara pieces.',
          contactEmail: anEmail('prod-store'),
          contactPhone: '+234 803 123 4567',
          address: { line1: '12 Balogun Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
          categories: ['women'],
        },
        seller,
      )
      expect(store.status).toBe(201)
      await cli('stores', 'approve', store.body.store.id)
      const product = await call<{ product: { id: string } }>(
        'POST',
        '/api/v1/seller/products',
        aProductInput({ options: [] }),
        seller,
      )
      expect(product.status).toBe(201)
      const variant = await call<{ variant: { id: string } }>(
        'POST',
        `/api/v1/seller/products/${product.body.product.id}/variants`,
        aVariantInput({ options: {}, price: 1_500_000, stock: 3 }),
        seller,
      )
      expect(variant.status).toBe(201)
      const submitted = `/api/v1/seller/products/${product.body.product.id}/submit`
      expect((await call('POST', submitted, {}, seller)).status).toBe(200)
      await cli('products', 'approve', product.body.product.id)

      // The buyer checks out and pays on the sandbox standing in for Paystack.
      const buyer = await signUp('buyer')
      const variantId = variant.body.variant.id
      expect(
        (await call('POST', '/api/v1/cart/items', { variantId, quantity: 1 }, buyer)).status,
      ).toBe(200)
      const checkout = await call<{ payment: { authorizationUrl: string; reference: string } }>(
        'POST',
        '/api/v1/checkout',
        { shippingAddress: aShippingAddress() },
        buyer,
      )
      expect(checkout.status).toBe(201)
      const paid = await payOnCheckoutPage(checkout.body.payment.authorizationUrl)
      expect(paid.headers.get('location')).toContain(`${origin}/checkout/complete?`)
      const status = `/api/v1/checkout/${checkout.body.payment.reference}/status`
      let group = ''
      for (let i = 0; i < 100 && group !== 'paid'; i++) {
        group = (await call<{ orderGroup: { status: string } }>('GET', status, undefined, buyer))
          .body.orderGroup.status
        if (group !== 'paid') await new Promise((done) => setTimeout(done, 100))
      }
      expect(group).toBe('paid')

      // Nothing a development start creates: no sandbox next to it, no generated secrets.
      expect(existsSync(join(image.root, '.data/secrets.json'))).toBe(false)
      expect(await listening(port + 10)).toBe(false)

      // SIGTERM (what the platform sends on a deploy) stops it cleanly and quickly.
      const stoppedAt = Date.now()
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      expect(Date.now() - stoppedAt).toBeLessThan(10_000)
    } finally {
      server.child.kill('SIGKILL')
    }
  }, 240_000)
})

async function waitForReady(origin: string, output: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ready = await checkedFetch(`${origin}/readyz`).then(
      (r) => r.status === 200,
      (error) => {
        // Not up yet is worth another look; an answer that breaks the document is not.
        if (error instanceof ContractViolation) throw error
        return false
      },
    )
    // Ready, and past the start banner (printed once the relay and scheduler run).
    if (ready && output().includes('KlosetStore is running')) return
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`the server never became ready:\n${output()}`)
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

/** Runs a command to its end without blocking this process (its servers must keep answering). */
function runAsync(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('exit', (status) => {
      clearTimeout(timer)
      done({ status, output })
    })
  })
}
