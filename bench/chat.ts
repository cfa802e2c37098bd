/**
 * The chat half of `npm run bench` (docs/benchmarks.md, "Chat"): messages per second through
 * send -> store -> push to the other party, and send-to-receive latency p50/p99 at that rate,
 * next to a bare `ws` relay measured in the same run. A buyer's socket sends `chat.send`
 * commands, `BENCH_CHAT_CONCURRENCY` (default 8) in flight at a time, over
 * `BENCH_CHAT_CONVERSATIONS` (default 4) conversations with as many stores; each store's
 * seller socket is subscribed to its `conversation:<id>` channel, and a message counts when its
 * `chat.message_sent` publication reaches the seller. The baseline is a bare `ws` server that
 * forwards each frame from one socket to another: the protocol floor, with no auth, storage,
 * moderation or event log. `BENCH_CHAT_MESSAGES` (default 1000) messages per side.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connectDatabase, createCore, createLogger, loadConfig, makeCtx } from '@kloset/core'
import { startEngine } from '@kloset/embedded-db'
import { startSandbox } from '@kloset/paystack-sandbox'
import { startServer } from '@kloset/server'
import { WebSocket, WebSocketServer } from 'ws'
import { benchUser } from './accounts.js'

const here = dirname(fileURLToPath(import.meta.url))
const benchDir = here.endsWith('dist') ? dirname(here) : here
const MESSAGES = Number(process.env.BENCH_CHAT_MESSAGES ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CHAT_CONCURRENCY ?? 8)
const CONVERSATIONS = Number(process.env.BENCH_CHAT_CONVERSATIONS ?? 4)
const BODY = 'Hello! Is the ankara wrap dress still available in size M? Delivery to Lekki?'

const say = (line: string) => process.stdout.write(`${line}\n`)
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

function opened(socket: WebSocket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('open', () => done())
    socket.once('error', fail)
    socket.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)))
  })
}

interface Rate {
  messages: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
}

/**
 * Sends `MESSAGES` messages, `CONCURRENCY` in flight, and times each from its send to its
 * receipt (`received(key)` resolves when the receiving side saw it).
 */
async function closedLoop(
  send: (key: string, index: number) => void,
  arrivals: Map<string, () => void>,
): Promise<Rate> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const index = next++
        const key = `k${index}-${randomBytes(3).toString('hex')}`
        const at = performance.now()
        const arrived = new Promise<void>((done, fail) => {
          const timer = setTimeout(
            () => fail(new Error(`message ${key} not received in 30 s`)),
            30_000,
          )
          arrivals.set(key, () => {
            clearTimeout(timer)
            done()
          })
        })
        send(key, index)
        await arrived
        latencies.push(performance.now() - at)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    messages: MESSAGES,
    seconds: round(seconds),
    perSecond: round(MESSAGES / seconds, 1),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  }
}

/** Calls the arrival of every key a frame carries (a clientMessageId or a bare key). */
function onKeys(socket: WebSocket, arrivals: Map<string, () => void>, pattern: RegExp) {
  socket.on('message', (data) => {
    const text = data.toString()
    for (const match of text.matchAll(pattern)) {
      const done = arrivals.get(match[1] as string)
      if (done) {
        arrivals.delete(match[1] as string)
        done()
      }
    }
  })
}

/** The baseline: a bare `ws` server forwarding every frame from one socket to the others. */
async function aBareRelay() {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      for (const client of wss.clients) if (client !== socket) client.send(data.toString())
    })
  })
  const http = createServer((_req, res) => res.end())
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  )
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', () => done()))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      wss.close()
      await new Promise<void>((done) => http.close(() => done()))
    },
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    secretKey: `sk_test_${randomBytes(20).toString('hex')}`,
    webhookUrl: null,
    feeModel: 'none',
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'kloset-bench-chat-'))
  const base = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYSTACK_SECRET_KEY: sandbox.secretKey,
    PAYSTACK_BASE_URL: sandbox.url,
  })
  // The per-sender limit (20 a minute) would stop the bench after 20 messages.
  const config = { ...base, chat: { messagesPerMinute: 10 * MESSAGES } }
  const engine = await startEngine(join(dataDir, 'engine'))
  const database = await connectDatabase(engine.uri, config.databaseName, { embedded: true })
  const core = await createCore(config, {
    database,
    logger: createLogger({ level: 'warn', pretty: false }),
  })
  await core.relay.start()
  const server = await startServer(core, {
    port: 0,
    host: '127.0.0.1',
    gateway: {
      messagesPerSecond: 10_000,
      messageBurst: 10_000,
      userMessagesPerSecond: 10_000,
      userMessageBurst: 10_000,
    },
  })
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`
  say(
    `\n== chat: ${MESSAGES} messages, ${CONCURRENCY} in flight, over ${CONVERSATIONS} conversations`,
  )

  // A buyer and one seller (with an approved store) per conversation, made through the services.
  const buyer = await benchUser(core, 'buyer')
  const admin = makeCtx({ kind: 'admin-cli', id: 'bench', osUser: 'bench' }, new Date())
  const buyerCtx = makeCtx({ kind: 'user', id: buyer.id, role: 'buyer' }, new Date())
  const conversations: { id: string; sellerToken: string }[] = []
  for (let i = 0; i < CONVERSATIONS; i++) {
    const seller = await benchUser(core, 'seller')
    const sellerCtx = makeCtx({ kind: 'user', id: seller.id, role: 'seller' }, new Date())
    const store = await core.stores.register(sellerCtx, {
      name: `Bench Chat Store ${randomBytes(3).toString('hex')}`,
      description: 'A store for the chat bench.',
      contactEmail: `store${i}@example.test`,
      contactPhone: '+234 803 123 4567',
      address: { line1: '1 Broad Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
      categories: ['women'],
    })
    await core.stores.approve(admin, store.id)
    const { conversation } = await core.chat.start(buyerCtx, { storeId: store.id })
    conversations.push({ id: conversation.id, sellerToken: seller.token })
  }

  // -- kloset: buyer socket sends, seller sockets receive the publication -----------------------
  const arrivals = new Map<string, () => void>()
  const buyerSocket = new WebSocket(wsUrl, ['bearer', buyer.token], { perMessageDeflate: false })
  await opened(buyerSocket)
  const sellerSockets: WebSocket[] = []
  for (const conversation of conversations) {
    const socket = new WebSocket(wsUrl, ['bearer', conversation.sellerToken], {
      perMessageDeflate: false,
    })
    await opened(socket)
    const subscribed = new Promise<void>((done) => {
      const onReply = (data: unknown) => {
        if (!String(data).includes('"subscribed"')) return
        socket.off('message', onReply)
        done()
      }
      socket.on('message', onReply)
    })
    socket.send(
      JSON.stringify({ type: 'subscribe', id: 1, channel: `conversation:${conversation.id}` }),
    )
    await subscribed
    onKeys(socket, arrivals, /"clientMessageId":"([^"]+)"/g)
    sellerSockets.push(socket)
  }
  let failures = 0
  buyerSocket.on('message', (data) => {
    const text = data.toString()
    if (text.includes('"type":"error"')) {
      failures++
      say(`send failed: ${text}`)
    }
  })
  const kloset = await closedLoop((key, index) => {
    const conversation = conversations[index % conversations.length]!
    buyerSocket.send(
      JSON.stringify({
        type: 'chat.send',
        id: key,
        conversationId: conversation.id,
        body: BODY,
        clientMessageId: key,
      }),
    )
  }, arrivals)
  for (const socket of [buyerSocket, ...sellerSockets]) socket.terminate()

  // -- the baseline: a bare ws relay, same frames, same loop -------------------------------------
  const relay = await aBareRelay()
  const sender = new WebSocket(relay.url, { perMessageDeflate: false })
  const receiver = new WebSocket(relay.url, { perMessageDeflate: false })
  await Promise.all([opened(sender), opened(receiver)])
  onKeys(receiver, arrivals, /"clientMessageId":"([^"]+)"/g)
  const bare = await closedLoop((key) => {
    sender.send(JSON.stringify({ type: 'chat.send', id: key, body: BODY, clientMessageId: key }))
  }, arrivals)
  sender.terminate()
  receiver.terminate()
  await relay.close()

  const rows = [
    ['case', 'messages/s', 'p50 ms', 'p99 ms'],
    ['kloset: chat.send -> store -> push to the seller', kloset.perSecond, kloset.p50, kloset.p99],
    ['bare ws: relay one socket -> another', bare.perSecond, bare.p50, bare.p99],
  ].map((row) => row.map((cell) => String(cell)))
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const row of rows) say(row.map((cell, i) => cell.padEnd(width[i]!)).join('  '))
  say(
    `\nkloset vs bare ws: ${round(bare.perSecond / kloset.perSecond, 1)}x fewer messages/s, ` +
      `p50 ${round(kloset.p50 / bare.p50, 1)}x; ${failures} failed sends`,
  )
  const result = {
    at: new Date().toISOString(),
    messages: MESSAGES,
    concurrency: CONCURRENCY,
    conversations: CONVERSATIONS,
    kloset,
    bare,
    failures,
  }
  await writeFile(
    join(benchDir, 'results', `chat-${result.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2),
  ).catch(() => {})

  await server.close()
  await core.close()
  await database.close()
  await engine.stop()
  await sandbox.stop()
  await rm(dataDir, { recursive: true, force: true })
  process.exit(failures > 0 ? 1 : 0)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench chat: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
