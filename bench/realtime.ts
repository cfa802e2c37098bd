/**
 * The real-time half of `npm run bench` (docs/benchmarks.md, "Real time"): how long a seller's
 * `ship` takes to reach 1,000 sockets subscribed to the order's channel, against a bare `ws`
 * server broadcasting the same frame to 1,000 sockets on an HTTP request; the memory of 1,000
 * idle signed-in sockets against 1,000 bare ones; and the same push across two instances sharing
 * Redis. Everything runs in this one process (servers, sockets, engine aside), so both sides pay
 * the same client cost. BENCH_SOCKETS (default 1000) and BENCH_SHIPS (default 20) size it;
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379) is where the two instances meet.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Config,
  type Core,
  connectDatabase,
  createCore,
  createLogger,
  type Database,
  loadConfig,
  makeCtx,
  RedisStore,
} from '@kloset/core'
import { type EngineHandle, startEngine } from '@kloset/embedded-db'
import { startSandbox } from '@kloset/paystack-sandbox'
import { type RunningServer, startServer } from '@kloset/server'
import { WebSocket, WebSocketServer } from 'ws'
import { benchBuyer, demoProduct, staffTokens } from './accounts.js'
import { prepareFlows } from './flow-fixtures.js'
import { paidTemplate } from './preload.js'

const here = dirname(fileURLToPath(import.meta.url))
const benchDir = here.endsWith('dist') ? dirname(here) : here
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000)
const SHIPS = Number(process.env.BENCH_SHIPS ?? 20)
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const OPEN_CONCURRENCY = 50

const say = (line: string) => process.stdout.write(`${line}\n`)
/** Where the bench is, on stderr (under load the set-up alone takes minutes). */
const progress = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`)
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

/** A socket that records when a frame containing `needle` arrives, per needle. */
interface Listener {
  socket: WebSocket
  arrived: Map<string, number>
  /** The last frame that matched, as sent (the baseline sends the same bytes). */
  lastFrame?: string
}

/**
 * The needles are fixed per side, and both sides do the same work per frame (the marketplace's
 * list used to be rebuilt per frame: 40 strings per socket per push, timed as fan-out).
 */
function listen(socket: WebSocket, needles: readonly string[]): Listener {
  const listener: Listener = { socket, arrived: new Map() }
  socket.on('message', (data) => {
    const at = performance.now()
    const text = data.toString()
    if (!text.includes('"order.shipped"')) return
    for (const needle of needles) {
      if (text.includes(needle)) {
        listener.arrived.set(needle, at)
        listener.lastFrame = text
      }
    }
  })
  return listener
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('open', () => done())
    socket.once('error', fail)
    socket.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)))
  })
}

/** Opens `count` sockets with `make`, a few at a time, and waits for each to be open. */
async function openMany(count: number, make: () => WebSocket): Promise<WebSocket[]> {
  const sockets: WebSocket[] = []
  await eachLimited(
    Array.from({ length: count }, (_, i) => i),
    OPEN_CONCURRENCY,
    async () => {
      const socket = make()
      await opened(socket)
      sockets.push(socket)
    },
  )
  return sockets
}

/** Closes sockets and gives the servers a moment to let go of them. */
async function closeAll(sockets: WebSocket[]): Promise<void> {
  for (const socket of sockets) socket.terminate()
  await new Promise((done) => setTimeout(done, 1_000))
}

/**
 * The baseline: a bare `ws` server that, on any HTTP request, sends `frame` (with the request's
 * path as the channel) to every socket, then answers.
 */
async function aBareBroadcaster() {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const state = { frame: '{}' }
  const http = createServer((req, res) => {
    const needle = decodeURIComponent((req.url ?? '/').slice(1))
    const payload = state.frame.replace(/"order:[0-9a-f]{24}"/g, needle)
    for (const client of wss.clients) client.send(payload)
    res.end('ok')
  })
  http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => {}))
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', () => done()))
  const port = (http.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}`,
    trigger: `http://127.0.0.1:${port}`,
    set frame(value: string) {
      state.frame = value
    },
    async close() {
      wss.close()
      await new Promise<void>((done) => http.close(() => done()))
    },
  }
}

/** Heap and external memory after a full collection (run with --expose-gc). */
function memory(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.external + usage.arrayBuffers
}

interface Delivery {
  p50: number
  p99: number
  /** When the last of the sockets had it, per trigger, at the median trigger. */
  lastP50: number
  /** From the first socket's receipt to the last's, per trigger, at the median: the fan-out. */
  spreadP50: number
}

/** Runs `trigger(needle)` per needle and times each socket's receipt from the trigger's start. */
async function timeDeliveries(
  listeners: Listener[],
  needles: string[],
  trigger: (needle: string) => Promise<void>,
): Promise<Delivery> {
  const all: number[] = []
  const lasts: number[] = []
  const spreads: number[] = []
  for (const needle of needles) {
    const started = performance.now()
    await trigger(needle)
    const deadline = Date.now() + 30_000
    while (listeners.some((l) => !l.arrived.has(needle))) {
      if (Date.now() > deadline) throw new Error(`not every socket got ${needle} within 30 s`)
      await new Promise((done) => setTimeout(done, 2))
    }
    const times = listeners.map((l) => l.arrived.get(needle)! - started)
    all.push(...times)
    lasts.push(Math.max(...times))
    spreads.push(Math.max(...times) - Math.min(...times))
  }
  const sorted = (values: number[]) => values.sort((x, y) => x - y)
  return {
    p50: percentile(sorted(all), 50),
    p99: percentile(all, 99),
    lastP50: percentile(sorted(lasts), 50),
    spreadP50: percentile(sorted(spreads), 50),
  }
}

/** One marketplace instance: a core on the shared engine, its relay, its server. */
async function anInstance(engine: EngineHandle, config: Config, redisPrefix: string) {
  const database: Database = await connectDatabase(engine.uri, config.databaseName, {
    embedded: true,
  })
  const core: Core = await createCore(config, {
    database,
    logger: createLogger({ level: 'warn', pretty: false }),
    kv: new RedisStore(REDIS_URL, redisPrefix),
  })
  await core.relay.start()
  const server: RunningServer = await startServer(core, {
    port: 0,
    host: '127.0.0.1',
    // The bench opens every socket with one administrator's token.
    // The cap counts sockets per user across instances (through Redis): room for both sets.
    gateway: {
      maxConnectionsPerUser: 2 * SOCKETS + 10,
      messagesPerSecond: 1_000,
      messageBurst: 1_000,
      // Every socket is the one administrator's: 20,000 subscriptions from one user.
      userMessagesPerSecond: 1_000_000,
      userMessageBurst: 1_000_000,
    },
  })
  return {
    core,
    server,
    ws: `${server.url.replace(/^http/, 'ws')}/ws`,
    async close() {
      await server.close()
      await core.close()
      await database.close()
    },
  }
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) say('Note: run with --expose-gc for memory figures.')
  const sandbox = await startSandbox({
    secretKey: `sk_test_${randomBytes(20).toString('hex')}`,
    webhookUrl: null,
    feeModel: 'none',
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'kloset-bench-rt-'))
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYSTACK_SECRET_KEY: sandbox.secretKey,
    PAYSTACK_BASE_URL: sandbox.url,
    // Every socket comes from one address and one administrator: the WebSocket limits stay on
    // (each upgrade and message still counts, as in production) but so high that none refuses.
    RATE_LIMIT_WS: '1000000',
    RATE_LIMIT_WS_MESSAGES: '1000000',
    RATE_LIMIT_WS_USER_MESSAGES: '1000000',
  })
  const engine = await startEngine(join(dataDir, 'engine'))
  const prefix = `kbench${randomBytes(4).toString('hex')}:`
  const a = await anInstance(engine, config, prefix)
  const b = await anInstance(engine, config, prefix)
  say(`\n== real time: ${SOCKETS} sockets, ${SHIPS} ships per case`)

  // Orders to ship: paid checkouts through the services, each with an order of the seller's store.
  const { seed } = await demoProduct(a.core)
  const buyer = await benchBuyer(a.core)
  const flows = await prepareFlows(a.core, 1)
  for (let i = 0; i < SHIPS * 2; i++) {
    await paidTemplate(a.core, buyer.id, flows.fixtures.cart, sandbox.url)
  }
  // Access tokens live 15 minutes; under load one phase's set-up (20,000 subscriptions) takes
  // minutes, so each phase signs in afresh.
  let tokens = await staffTokens(a.core, seed)
  const seller = await a.core.accounts.authenticate(tokens.sellerToken)
  const store = await a.core.stores.requireOwnStore(
    makeCtx(seller.actor, new Date(), undefined, '127.0.0.1'),
  )
  const orders = (await a.core.connection
    .db!.collection('orders')
    .find({ storeId: store.id, status: 'processing' })
    .limit(SHIPS * 2)
    .toArray()) as { _id: { toHexString(): string } }[]
  const orderIds = orders.map((o) => o._id.toHexString())
  if (orderIds.length < SHIPS * 2) throw new Error(`only ${orderIds.length} orders to ship`)
  const local = orderIds.slice(0, SHIPS)
  const remote = orderIds.slice(SHIPS)

  const ship = (base: string) => async (orderId: string) => {
    const res = await fetch(`${base}/api/v1/seller/orders/${orderId}/ship`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.sellerToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ carrier: 'GIG Logistics', trackingNumber: `GIG${orderId.slice(-8)}` }),
    })
    if (res.status !== 200) throw new Error(`ship ${orderId}: ${res.status} ${await res.text()}`)
  }

  // -- memory: 1,000 idle sockets each, one kind at a time ----------------------------------------
  progress('orders ready; memory')
  const bareServer = await aBareBroadcaster()
  const bareBefore = memory()
  const bareIdle = await openMany(
    SOCKETS,
    () => new WebSocket(bareServer.url, { perMessageDeflate: false }),
  )
  const bareMemory = memory() - bareBefore
  await closeAll(bareIdle)

  // -- delivery on one instance -------------------------------------------------------------------
  const before = memory()
  const klosetSockets = await openMany(
    SOCKETS,
    () => new WebSocket(a.ws, ['bearer', tokens.adminToken], { perMessageDeflate: false }),
  )
  const klosetMemory = memory() - before
  /** Subscribes every socket to every order's channel and waits for all the replies. */
  const subscribe = async (sockets: WebSocket[], ids: string[]) => {
    let pending = sockets.length
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((done, fail) => {
            let replies = 0
            // A refusal or a closed socket would otherwise leave the bench waiting for ever.
            const timer = setTimeout(
              () => fail(new Error(`subscribe: ${pending} sockets still waiting after 12 min`)),
              720_000,
            )
            socket.once('close', (code) => fail(new Error(`subscribe: socket closed ${code}`)))
            const onReply = (data: unknown) => {
              const text = String(data)
              if (text.includes('"type":"error"')) fail(new Error(`subscribe: ${text}`))
              if (!text.includes('"subscribed"')) return
              if (++replies < ids.length) return
              socket.off('message', onReply)
              clearTimeout(timer)
              pending--
              done()
            }
            socket.on('message', onReply)
            ids.forEach((id, i) => {
              socket.send(JSON.stringify({ id: i + 1, type: 'subscribe', channel: `order:${id}` }))
            })
          }),
      ),
    )
  }
  const localNeedles = local.map((id) => `"order:${id}"`)
  const remoteNeedles = remote.map((id) => `"order:${id}"`)
  const klosetListeners = klosetSockets.map((s) => listen(s, localNeedles))
  progress('sockets open on A; subscribing')
  await subscribe(klosetSockets, local)
  progress('subscribed on A; shipping')
  const kloset = await timeDeliveries(klosetListeners, localNeedles, (needle) =>
    ship(a.server.url)(needle.slice(7, -1)),
  )

  // -- the same push across instances: sockets on B, the ship on A -------------------------------
  const anon = makeCtx({ kind: 'anonymous' }, new Date(), undefined, '127.0.0.1')
  const sellerLogin = seed.sellers.find((s) => s.email === seller.user.email)
  if (!sellerLogin) throw new Error('The seller is not one of the seed')
  tokens = {
    sellerToken: (await a.core.accounts.login(anon, sellerLogin)).accessToken,
    adminToken: (await a.core.accounts.login(anon, seed.admin)).accessToken,
  }
  const remoteSockets = await openMany(
    SOCKETS,
    () => new WebSocket(b.ws, ['bearer', tokens.adminToken], { perMessageDeflate: false }),
  )
  const remoteListeners = remoteSockets.map((s) => listen(s, remoteNeedles))
  progress(`one instance: ${JSON.stringify(kloset)}; subscribing on B`)
  await subscribe(remoteSockets, remote)
  progress('subscribed on B; shipping on A')
  const acrossRedis = await timeDeliveries(remoteListeners, remoteNeedles, (needle) =>
    ship(a.server.url)(needle.slice(7, -1)),
  )
  const sampleFrame = klosetListeners[0]!.lastFrame ?? '{}'
  await closeAll([...klosetSockets, ...remoteSockets])

  // -- the baseline: bare ws, a broadcast on an HTTP request --------------------------------------
  bareServer.frame =
    sampleFrame.length > 2 ? sampleFrame : JSON.stringify({ event: 'order.shipped', channel: '' })
  progress(`across Redis: ${JSON.stringify(acrossRedis)}; bare baseline`)
  const bareSockets = await openMany(
    SOCKETS,
    () => new WebSocket(bareServer.url, { perMessageDeflate: false }),
  )
  const needles = Array.from({ length: SHIPS }, (_, i) => `"order:bare${i}"`)
  const bare = await timeDeliveries(
    bareSockets.map((s) => listen(s, needles)),
    needles,
    async (needle) => {
      await fetch(`${bareServer.trigger}/${encodeURIComponent(needle)}`)
    },
  )
  await closeAll(bareSockets)
  await bareServer.close()

  const rows = [
    ['case (from the request)', 'p50 ms', 'p99 ms', 'last socket p50 ms', 'fan-out p50 ms'],
    [
      'kloset: ship -> sockets, one instance',
      kloset.p50,
      kloset.p99,
      kloset.lastP50,
      kloset.spreadP50,
    ],
    [
      'kloset: ship on A -> sockets on B (Redis)',
      acrossRedis.p50,
      acrossRedis.p99,
      acrossRedis.lastP50,
      acrossRedis.spreadP50,
    ],
    ['bare ws: HTTP trigger -> broadcast', bare.p50, bare.p99, bare.lastP50, bare.spreadP50],
  ].map((row) => row.map((cell) => (typeof cell === 'number' ? String(round(cell)) : cell)))
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const row of rows) say(row.map((cell, i) => cell.padEnd(width[i]!)).join('  '))
  const perSocketKb = (bytes: number) => round(bytes / SOCKETS / 1024, 1)
  say(
    `\nmemory of ${SOCKETS} idle sockets (heap + external, this process, clients included): ` +
      `kloset ${perSocketKb(klosetMemory)} KiB/socket, bare ws ${perSocketKb(bareMemory)} KiB/socket, ` +
      `ratio ${round(klosetMemory / bareMemory)}x`,
  )
  say(
    `delivery p50, one instance vs bare ws: ${round(kloset.p50 / bare.p50)}x (the ship's own ` +
      `writes included); across Redis vs bare ws: ${round(acrossRedis.p50 / bare.p50)}x; ` +
      `fan-out alone, one instance vs bare ws: ${round(kloset.spreadP50 / bare.spreadP50)}x`,
  )
  const result = {
    at: new Date().toISOString(),
    sockets: SOCKETS,
    ships: SHIPS,
    kloset,
    acrossRedis,
    bare,
    memoryBytes: { kloset: klosetMemory, bare: bareMemory },
  }
  await writeFile(
    join(benchDir, 'results', `realtime-${result.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2),
  ).catch(() => {})

  await b.close()
  await a.close()
  await engine.stop()
  await sandbox.stop()
  await rm(dataDir, { recursive: true, force: true })
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench realtime: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
