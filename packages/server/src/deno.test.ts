import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  anEmail,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
  testMongoUri,
} from '@kloset/core/testing'
import { checkedFetch } from './test-support/checked-fetch.js'

/**
 * The edge claim, proved with real Deno: `test/deno/serve.ts` serves the same `createApi(core)`
 * object with `Deno.serve`, loading the BUILT packages, on this test's database. Users made on
 * the Node side sign in through Deno, so both runtimes read the same documents.
 */

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const deno = join(repoRoot, 'node_modules', '.bin', 'deno')
const serveScript = join(repoRoot, 'packages', 'server', 'test', 'deno', 'serve.ts')
const builtEntries = ['embedded-db', 'core', 'server'].map((name) =>
  join(repoRoot, 'packages', name, 'dist', 'index.js'),
)
const STARTUP_MS = 30_000
const STOP_MS = 5_000

/** Fails with what to do when the run was not prepared, instead of a Deno stack trace. */
function assertPrepared(): void {
  if (!existsSync(deno)) {
    throw new Error(`Deno is not installed at ${deno}: run bin/setup (npm ci installs it)`)
  }
  const missing = builtEntries.filter((file) => !existsSync(file))
  if (missing.length > 0) {
    throw new Error(
      `The Deno smoke test serves the built packages, and these are missing:\n  ${missing.join('\n  ')}\n` +
        'Run `npm run build` (bin/setup does it; `npm test` runs bin/setup first).',
    )
  }
}

interface RunningDeno {
  child: ChildProcess
  url: string
  stderr: () => string
}

/** Starts serve.ts and resolves once it prints its port. @throws when Deno exits or stays silent. */
function startDeno(env: Record<string, string>): Promise<RunningDeno> {
  const child = spawn(deno, ['run', '-A', serveScript], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${why}\n--- deno stderr ---\n${stderr}\n--- deno stdout ---\n${stdout}`))
    }
    const timer = setTimeout(() => fail(`Deno printed no port within ${STARTUP_MS} ms`), STARTUP_MS)
    child.once('error', (error) => fail(`Deno did not start: ${error.message}`))
    child.once('exit', (code, signal) => fail(`Deno exited early (code ${code}, signal ${signal})`))
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n').find((l) => l.startsWith('{"port":'))
      if (!line) return
      const { port } = JSON.parse(line) as { port: number }
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ child, url: `http://127.0.0.1:${port}`, stderr: () => stderr })
    })
  })
}

/** SIGTERM (serve.ts closes the server and the database), SIGKILL if it lingers. */
async function stopDeno(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS)
  await exited
  clearTimeout(timer)
}

let world: TestWorld
let server: RunningDeno | undefined
let dataDir: string
let buyer: Awaited<ReturnType<typeof aVerifiedUser>>

beforeAll(async () => {
  assertPrepared()
  world = await createTestWorld()
  buyer = await aVerifiedUser(world, 'buyer')
  dataDir = await mkdtemp(join(tmpdir(), 'kloset-deno-data-'))
  server = await startDeno({
    KLOSET_DENO_MONGODB_URI: testMongoUri(),
    KLOSET_DENO_DB: world.dbName,
    DATA_DIR: dataDir,
    JWT_SECRET: 'deno-smoke-secret-that-is-long-enough-for-hs256',
    SMTP_URL: world.smtp.url,
    LOG_LEVEL: 'warn',
  })
}, STARTUP_MS + 30_000)

afterAll(async () => {
  if (server) await stopDeno(server.child)
  await world?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, STOP_MS + 10_000)

async function call<T>(path: string, init: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {}
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const response = await checkedFetch(`${server!.url}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as T }
}

const login = (email: string, password = A_PASSWORD) =>
  call<{ accessToken?: string; user?: { id: string }; error?: { code: string } }>(
    '/api/v1/auth/login',
    { body: { email, password } },
  )

describe('the API served by Deno.serve', () => {
  it('answers /healthz with 200 and a request id', async () => {
    const res = await call<{ status: string }>('/healthz')
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }])
    expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('answers /readyz as ready after pinging the embedded engine', async () => {
    const res = await call<{
      status: string
      engine: string
      checks: { database: { ok: boolean } }
    }>('/readyz')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      status: 'ready',
      engine: 'embedded',
      checks: { database: { ok: true } },
    })
  })

  it('refuses a login for an email nobody registered with 401 invalid_credentials', async () => {
    const res = await login(anEmail('nobody'))
    expect([res.status, res.body.error?.code]).toEqual([401, 'invalid_credentials'])
  })

  it('signs in a user that the Node side created and verified', async () => {
    const res = await login(buyer.email)
    expect(res.status).toBe(200)
    expect(res.body.user?.id).toBe(buyer.user.id)
  })

  it('serves GET /api/v1/me for a token Deno issued', async () => {
    const { body } = await login(buyer.email)
    const me = await call<{ user: { id: string; email: string; emailVerified: boolean } }>(
      '/api/v1/me',
      { token: body.accessToken! },
    )
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({
      id: buyer.user.id,
      email: buyer.email,
      emailVerified: true,
    })
  })
})
