/**
 * The servers side of `npm run bench`, forked by run.ts so the load generator and the servers
 * have separate event loops: the real KlosetStore server (`startServer`, the Express host with
 * the web-standard API, on the embedded engine in a temporary data directory) and two baselines
 * that answer every benchmarked route with the bytes the real server answered.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  connectDatabase,
  createCore,
  createLogger,
  EMBEDDED_POOL_SIZE,
  loadConfig,
} from '@kloset/core'
import { type EngineVariant, startEngine } from '@kloset/embedded-db'
import { startServer } from '@kloset/server'
import express from 'express'
import { benchBuyer, demoProduct, freshToken, staffTokens } from './accounts.js'
import { DbTimer } from './db-time.js'
import { answerFlowCalls, prepareFlows } from './flow-fixtures.js'
import { flowSettings, SANDBOX_ENV, selectTargets } from './flow-protocol.js'
import { preloadOrders } from './preload.js'
import { timeRecommendationJob } from './recommendations.js'
import {
  type BenchRoute,
  type Fixtures,
  type HostName,
  routes,
  type ServersReady,
} from './targets.js'

interface Canned {
  method: string
  path: string
  status: number
  contentType: string
  body: Buffer
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

/** Reads the verification link from the locally captured mail, as a newcomer would. */
/** Calls each route once on the real server; the baselines will answer with these bytes. */
async function capture(base: string, fixtures: Fixtures): Promise<Canned[]> {
  const canned: Canned[] = []
  for (const route of routes) {
    const path = route.path(fixtures)
    const response = await fetch(`${base}${path}`, requestInit(route, fixtures))
    const body = Buffer.from(await response.arrayBuffer())
    if (!response.ok) {
      throw new Error(`${route.name} answered ${response.status}: ${body.toString('utf8')}`)
    }
    canned.push({
      method: route.method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/json',
      body,
    })
  }
  return canned
}

function requestInit(route: BenchRoute, fixtures: Fixtures): RequestInit {
  const body = route.body?.(fixtures)
  return {
    method: route.method,
    headers: {
      ...route.headers?.(fixtures),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => done(urlOf(server)))
  })
}

/** Bare `node:http`: a map lookup and a write. */
function nodeBaseline(canned: Canned[]): Server {
  const answers = new Map(canned.map((c) => [`${c.method} ${c.path}`, c]))
  return createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`)
    if (!answer) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': answer.body.length,
    })
    res.end(answer.body)
  })
}

/** Bare Express with its defaults: its router, its `res.send`. */
function expressBaseline(canned: Canned[]): Server {
  const app = express()
  for (const answer of canned) {
    const pathname = new URL(answer.path, 'http://bench').pathname
    const handler = (_req: express.Request, res: express.Response) => {
      res.status(answer.status).type(answer.contentType).send(answer.body)
    }
    if (answer.method === 'POST') app.post(pathname, handler)
    else app.get(pathname, handler)
  }
  return createServer(app)
}

/**
 * BENCH_ENGINE_VARIANT and BENCH_PRELOAD_ORDERS, set by run.ts for each scenario, and
 * BENCH_DB_POOL (connections to the engine; default: what the server uses, or 1 on the upstream
 * engine, which loses updates over more than one).
 */
function scenario(): { variant: EngineVariant; orders: number; pool: number } {
  const variant = process.env.BENCH_ENGINE_VARIANT ?? 'patched'
  if (variant !== 'patched' && variant !== 'upstream') {
    throw new Error(`BENCH_ENGINE_VARIANT must be patched or upstream, not ${variant}`)
  }
  const pool = Number(
    process.env.BENCH_DB_POOL || (variant === 'upstream' ? 1 : EMBEDDED_POOL_SIZE),
  )
  return { variant, orders: Number(process.env.BENCH_PRELOAD_ORDERS ?? 0), pool }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kloset-bench-'))
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The bench's own sandbox (run.ts), under names no real deployment sets.
    PAYSTACK_SECRET_KEY: process.env[SANDBOX_ENV.secretKey],
    PAYSTACK_BASE_URL: process.env[SANDBOX_ENV.url],
    // The load comes from one address and a few users, far beyond any client's budget: the
    // limits stay on (every request still counts against them, as in production) but so high
    // that no answer is a 429.
    RATE_LIMIT_AUTH: '1000000',
    RATE_LIMIT_WRITE: '1000000',
    RATE_LIMIT_READ: '1000000',
  })
  const { variant, orders, pool } = scenario()
  // What openDatabase does for the embedded engine, with the engine variant chosen here, and
  // command monitoring, so the flows can measure the time spent waiting on the database.
  const engine = await startEngine(join(dataDir, 'engine'), { variant })
  const database = await connectDatabase(engine.uri, config.databaseName, {
    embedded: true,
    poolSize: pool,
    monitorCommands: true,
    onClose: () => engine.stop(),
  })
  const core = await createCore(config, {
    logger: createLogger({ level: config.logLevel, pretty: false }),
    database,
  })
  const timer = new DbTimer(core.connection.getClient())
  const real = await startServer(core, {
    port: 0,
    host: '127.0.0.1',
    mediaDir: join(dataDir, 'media'),
  })
  // The seed only runs on an empty database, so it goes before anyone signs up.
  const { productId, seed } = await demoProduct(core)
  const buyer = await benchBuyer(core)
  const selection = selectTargets(routes)
  const flows =
    selection.checkout || selection.webhook || orders > 0
      ? await prepareFlows(core, flowSettings().shoppers)
      : null
  const sandboxUrl = process.env[SANDBOX_ENV.url]
  const preload =
    orders > 0 && flows && sandboxUrl
      ? await preloadOrders(core, {
          orders,
          buyerId: buyer.id,
          cart: flows.fixtures.cart,
          sandboxUrl,
        })
      : null
  flows?.resetSettled()
  const recommendationJob = await timeRecommendationJob(core, orders)
  const fixtures: Fixtures = {
    buyerToken: await freshToken(core, buyer.email),
    productId,
    ...(await staffTokens(core, seed)),
  }
  const kloset = urlOf(real.server)
  const canned = await capture(kloset, fixtures)
  const baselines = { 'node-http': nodeBaseline(canned), express: expressBaseline(canned) }
  const urls: Record<HostName, string> = {
    kloset,
    'node-http': await listen(baselines['node-http']),
    express: await listen(baselines.express),
  }
  answerFlowCalls(core, timer, flows)
  const ready: ServersReady = {
    kind: 'ready',
    urls,
    fixtures,
    engine: `${core.engine} (${variant}, ${pool} connection${pool === 1 ? '' : 's'})`,
    flows: flows?.fixtures ?? null,
    preload,
    recommendationJob,
  }
  process.send?.(ready)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    for (const server of Object.values(baselines)) {
      server.closeAllConnections()
      server.close()
    }
    await real.close()
    await core.close()
    // Passed in, so the core leaves it open.
    await database.close()
    await rm(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('message', (message: { kind?: string }) => {
    if (message.kind === 'stop') void stop()
  })
  // The load generator died: do not outlive it.
  process.on('disconnect', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`bench servers: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
