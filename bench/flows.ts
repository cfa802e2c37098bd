/**
 * The load side of the checkout and webhook flows. These requests change state (a checkout
 * empties a cart, a webhook pays a group), so they cannot be replayed by autocannon: a small
 * loop keeps a fixed number of requests in flight over prepared data and times each one.
 *
 * - checkout: `POST /api/v1/checkout` (3 lines, 2 stores: order group, 2 orders, stock held,
 *   Paystack initialize on the sandbox), in rounds of `shoppers` buyers whose carts the servers
 *   process fills between rounds, outside the measured time;
 * - webhook: the groups just made are paid on the sandbox (its control endpoint, which logs
 *   the signed `charge.success` it would send), then those exact bodies and signatures are
 *   posted to `/api/v1/webhooks/paystack`; the confirmation (verify, stock, orders, ledger,
 *   mail) runs after the 200, so the flow also times until every group is confirmed;
 * - webhook, duplicate: the same deliveries again, the path Paystack retries take.
 */
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { SandboxHandle } from '@kloset/paystack-sandbox'
import type {
  DbWindow,
  FlowCallMessage,
  FlowCallName,
  FlowCalls,
  FlowFixtures,
  FlowReplyMessage,
  FlowSettings,
} from './flow-protocol.js'
import { SHIPPING } from './preload.js'

/** Where a target's time goes on the database, from the driver's events in the servers process. */
export interface DbShare {
  /** Database commands per operation. */
  commandsPerOp: number
  /** Command round trips per operation, ms. */
  dbMsPerOp: number
  /** Waiting for the (single, in embedded mode) pooled connection per operation, ms. */
  waitMsPerOp: number
  /** Round trips / wall time: how busy the one connection was (1 = never idle). */
  busy: number
  /** (Round trips + waits) / summed request latencies; null where work outlives the request. */
  share: number | null
  /** Per operation, by command name: how many, and their round trips in ms. */
  byCommand: Record<string, { perOp: number; msPerOp: number }>
}

export interface FlowMeasurement {
  name: string
  operations: number
  /** Answered operations per second (for webhooks: acknowledged with 200). */
  perSecond: number
  latencyMs: { mean: number; p50: number; p99: number }
  /** First delivery only: groups confirmed per second, counted until every handler finished. */
  settledPerSecond?: number
  failures: number
  /** The first failure's status and body, to tell what went wrong. */
  firstFailure?: string
  db: DbShare
  /** Checkout only, per round: the cost per checkout as the collections grow. */
  rounds?: { operations: number; perSecond: number; dbMsPerOp: number; commandsPerOp: number }[]
}

export type FlowCall = <N extends FlowCallName>(
  name: N,
  args: FlowCalls[N]['args'],
) => Promise<FlowCalls[N]['result']>

/** Requests to the servers process over its IPC channel, matched to replies by id. */
export function flowCaller(child: ChildProcess): FlowCall {
  let nextId = 0
  const waiting = new Map<number, (reply: FlowReplyMessage) => void>()
  child.on('message', (message: Partial<FlowReplyMessage>) => {
    if (message.kind !== 'flow-reply' || message.id === undefined) return
    waiting.get(message.id)?.(message as FlowReplyMessage)
    waiting.delete(message.id)
  })
  return (name, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++
      waiting.set(id, (reply) => {
        if (reply.ok) resolve(reply.result as never)
        else reject(new Error(`servers process, ${name}: ${reply.error}`))
      })
      child.send({ kind: 'flow-call', id, name, args } satisfies FlowCallMessage)
    })
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0
}

/** Per-operation database figures of a window; `latencySumMs` null when work outlives requests. */
export function dbShareOf(
  window: DbWindow,
  operations: number,
  latencySumMs: number | null,
): DbShare {
  const per = (value: number) => (operations > 0 ? round(value / operations, 3) : 0)
  return {
    commandsPerOp: per(window.commands),
    dbMsPerOp: per(window.commandMs),
    waitMsPerOp: per(window.waitMs),
    busy: window.wallMs > 0 ? round(window.commandMs / window.wallMs, 3) : 0,
    share:
      latencySumMs && latencySumMs > 0
        ? round((window.commandMs + window.waitMs) / latencySumMs, 3)
        : null,
    byCommand: Object.fromEntries(
      Object.entries(window.byCommand)
        .sort(([, a], [, b]) => b.ms - a.ms)
        .map(([name, { count, ms }]) => [name, { perOp: per(count), msPerOp: per(ms) }]),
    ),
  }
}

function sumWindows(windows: DbWindow[]): DbWindow {
  const sum: DbWindow = {
    commands: 0,
    commandMs: 0,
    checkouts: 0,
    waitMs: 0,
    wallMs: 0,
    byCommand: {},
  }
  for (const w of windows) {
    sum.commands += w.commands
    sum.commandMs += w.commandMs
    sum.checkouts += w.checkouts
    sum.waitMs += w.waitMs
    sum.wallMs += w.wallMs
    for (const [name, { count, ms }] of Object.entries(w.byCommand)) {
      const named = sum.byCommand[name] ?? { count: 0, ms: 0 }
      sum.byCommand[name] = { count: named.count + count, ms: named.ms + ms }
    }
  }
  return sum
}

interface Outcome {
  ok: boolean
  /** Status and body, kept for failures. */
  detail?: string
}

interface Burst {
  latencies: number[]
  failures: string[]
  wallMs: number
}

/** Sends `send(item)` for every item with at most `concurrency` in flight; times each. */
async function burst<T>(
  items: T[],
  concurrency: number,
  send: (item: T) => Promise<Outcome>,
): Promise<Burst> {
  const latencies: number[] = []
  const failures: string[] = []
  let next = 0
  const started = performance.now()
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const sent = performance.now()
      const outcome = await send(items[index] as T).catch(
        (error: unknown): Outcome => ({ ok: false, detail: String(error) }),
      )
      latencies.push(performance.now() - sent)
      if (!outcome.ok) failures.push(outcome.detail ?? 'failed')
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return { latencies, failures, wallMs: performance.now() - started }
}

function measurement(
  name: string,
  bursts: Burst[],
  db: DbWindow,
  latencyShare: boolean,
  settledMs?: number,
): FlowMeasurement {
  const latencies = bursts.flatMap((b) => b.latencies).sort((a, b) => a - b)
  const failures = bursts.flatMap((b) => b.failures)
  const total = latencies.reduce((sum, ms) => sum + ms, 0)
  const wallMs = bursts.reduce((sum, b) => sum + b.wallMs, 0)
  const operations = latencies.length
  return {
    name,
    operations,
    perSecond: wallMs > 0 ? round((operations * 1000) / wallMs, 1) : 0,
    latencyMs: {
      mean: round(operations ? total / operations : 0, 3),
      p50: round(percentile(latencies, 0.5), 3),
      p99: round(percentile(latencies, 0.99), 3),
    },
    ...(settledMs === undefined
      ? {}
      : { settledPerSecond: round((operations * 1000) / settledMs, 1) }),
    failures: failures.length,
    ...(failures[0] ? { firstFailure: failures[0].slice(0, 300) } : {}),
    db: dbShareOf(db, operations, latencyShare ? total : null),
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

export interface FlowContext {
  /** The real server. */
  base: string
  sandbox: SandboxHandle
  fixtures: FlowFixtures
  settings: FlowSettings
  call: FlowCall
  say(line: string): void
}

export interface CheckoutFlowResult {
  measurement: FlowMeasurement
  /** Payment references of every group made, warm-up included, for the webhook flow. */
  references: string[]
}

/** Checkouts in rounds; each round's carts are filled before its measured window opens. */
export async function runCheckoutFlow(flow: FlowContext): Promise<CheckoutFlowResult> {
  const { base, fixtures, settings, call } = flow
  const references: string[] = []
  const checkoutOne = async (shopper: number): Promise<Outcome> => {
    const response = await fetch(`${base}/api/v1/checkout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fixtures.shopperTokens[shopper]}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ shippingAddress: SHIPPING }),
    })
    const text = await response.text()
    if (response.status !== 201) return { ok: false, detail: `${response.status} ${text}` }
    const body = JSON.parse(text) as {
      orderGroup: { total: number }
      orders: unknown[]
      payment: { reference: string }
    }
    // A 201 for the wrong thing would make every number below meaningless.
    if (body.orders.length !== 2 || body.orderGroup.total !== fixtures.cartTotal) {
      return { ok: false, detail: `201 with an unexpected group: ${text.slice(0, 200)}` }
    }
    references.push(body.payment.reference)
    return { ok: true }
  }

  const warmUp = range(0, Math.min(settings.concurrency, fixtures.shopperTokens.length))
  await call('fill-carts', { shoppers: warmUp })
  const warm = await burst(warmUp, settings.concurrency, checkoutOne)
  if (warm.failures.length > 0) throw new Error(`checkout warm-up failed: ${warm.failures[0]}`)

  const bursts: Burst[] = []
  const windows: DbWindow[] = []
  for (let left = settings.checkouts; left > 0; ) {
    const shoppers = range(0, Math.min(fixtures.shopperTokens.length, left))
    flow.say(
      `  checkout: ${settings.checkouts - left} of ${settings.checkouts} done, filling carts...`,
    )
    await call('fill-carts', { shoppers })
    await call('db-start', {})
    bursts.push(await burst(shoppers, settings.concurrency, checkoutOne))
    windows.push(await call('db-stop', {}))
    left -= shoppers.length
  }
  const rounds = bursts.map((b, index) => {
    const db = dbShareOf(windows[index] as DbWindow, b.latencies.length, null)
    return {
      operations: b.latencies.length,
      perSecond: round((b.latencies.length * 1000) / b.wallMs, 1),
      dbMsPerOp: db.dbMsPerOp,
      commandsPerOp: db.commandsPerOp,
    }
  })
  return {
    measurement: {
      ...measurement(
        'POST /api/v1/checkout (3 lines, 2 stores)',
        bursts,
        sumWindows(windows),
        true,
      ),
      rounds,
    },
    references,
  }
}

interface SignedEvent {
  body: string
  signature: string
}

/** Pays every group on the sandbox and returns the signed `charge.success` it logged for each. */
async function paidEvents(flow: FlowContext, references: string[]): Promise<SignedEvent[]> {
  const paid = await burst(references, flow.settings.concurrency, async (reference) => {
    const response = await fetch(
      `${flow.sandbox.url}/__sandbox/transactions/${encodeURIComponent(reference)}/succeed`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    )
    const text = await response.text()
    return response.ok ? { ok: true } : { ok: false, detail: `${response.status} ${text}` }
  })
  if (paid.failures.length > 0) throw new Error(`sandbox succeed failed: ${paid.failures[0]}`)
  const byReference = new Map<string, SignedEvent>()
  for (const delivery of flow.sandbox.deliveries()) {
    if (delivery.event !== 'charge.success') continue
    const { data } = JSON.parse(delivery.body) as { data: { reference: string } }
    byReference.set(data.reference, { body: delivery.body, signature: delivery.signature })
  }
  return references.map((reference) => {
    const event = byReference.get(reference)
    if (!event) throw new Error(`The sandbox logged no charge.success for ${reference}`)
    return event
  })
}

/**
 * First deliveries of `charge.success` for paid groups, then the same deliveries again. The
 * first `concurrency` events of each pass warm the path and are not measured.
 * @throws Error when the server confirmed fewer orders than it was sent, or flagged any group.
 */
export async function runWebhookFlow(
  flow: FlowContext,
  references: string[],
): Promise<FlowMeasurement[]> {
  const { base, settings, call } = flow
  const events = await paidEvents(flow, references)
  const deliver = async (event: SignedEvent): Promise<Outcome> => {
    const response = await fetch(`${base}/api/v1/webhooks/paystack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-paystack-signature': event.signature },
      body: event.body,
    })
    const text = await response.text()
    return response.status === 200
      ? { ok: true }
      : { ok: false, detail: `${response.status} ${text}` }
  }
  const warmCount = Math.min(settings.concurrency, events.length)
  const ordersPerGroup = 2

  const pass = async (name: string, first: boolean): Promise<FlowMeasurement> => {
    const warm = await burst(events.slice(0, warmCount), settings.concurrency, deliver)
    if (warm.failures.length > 0) throw new Error(`${name} warm-up failed: ${warm.failures[0]}`)
    await call('settle', {})
    await call('db-start', {})
    const started = performance.now()
    const sent = await burst(events.slice(warmCount), settings.concurrency, deliver)
    const settled = await call('settle', {})
    const settledMs = performance.now() - started
    const db = await call('db-stop', {})
    if (settled.paymentIssues > 0 || settled.ordersPaid !== events.length * ordersPerGroup) {
      throw new Error(
        `${name}: ${settled.ordersPaid} orders confirmed for ${events.length} groups of ${ordersPerGroup}, ` +
          `${settled.paymentIssues} payment issues`,
      )
    }
    // The first delivery's work continues after the 200, so its database time is not a share
    // of the request latencies; a duplicate does all its work before answering.
    return measurement(name, [sent], db, !first, first ? settledMs : undefined)
  }
  return [
    await pass('POST /api/v1/webhooks/paystack (charge.success, first delivery)', true),
    await pass('POST /api/v1/webhooks/paystack (the same event again)', false),
  ]
}

const percent = (fraction: number | null) =>
  fraction === null ? 'n/a' : `${round(fraction * 100, 1)}%`

/** Table rows for the flows and for the table routes' database figures. */
export function flowRows(
  rows: {
    name: string
    perSecond: number
    settledPerSecond?: number
    p50: number
    p99: number
    failures: number
    db: DbShare
  }[],
): string[][] {
  return [
    [
      'target',
      'ops/s',
      'settled/s',
      'p50 ms',
      'p99 ms',
      'cmds/op',
      'DB ms/op',
      'wait ms/op',
      'DB busy',
      'DB share',
      'failed',
    ],
    ...rows.map((r) => [
      r.name,
      String(r.perSecond),
      r.settledPerSecond === undefined ? '-' : String(r.settledPerSecond),
      String(r.p50),
      String(r.p99),
      String(r.db.commandsPerOp),
      String(r.db.dbMsPerOp),
      String(r.db.waitMsPerOp),
      percent(r.db.busy),
      percent(r.db.share),
      String(r.failures),
    ]),
  ]
}
