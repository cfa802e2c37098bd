import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkoutRoutes } from './checkout.routes.js'
import { controlRoutes, flushSandbox } from './control.routes.js'
import { disputeRoutes } from './disputes.routes.js'
import {
  errorReply,
  type HttpMethod,
  json,
  matchRoute,
  parseBody,
  type Reply,
  type Route,
  readBody,
} from './http.router.js'
import { JobScheduler } from './jobs.scheduler.js'
import { PaystackError, unauthorized } from './paystack.errors.js'
import type { Currency, DeliveryRecord, SandboxState } from './paystack.types.js'
import { refundRoutes } from './refunds.routes.js'
import { scheduleRefund } from './refunds.service.js'
import { resolveOptions, type SandboxContext, type SandboxOptions } from './sandbox.context.js'
import { StateStore } from './state.store.js'
import { subscriptionRoutes } from './subscriptions.routes.js'
import { transactionRoutes } from './transactions.routes.js'
import { transferRoutes } from './transfers.routes.js'
import { scheduleTransfer } from './transfers.service.js'
import { WebhookDispatcher } from './webhooks.dispatcher.js'

/** A running sandbox. */
export interface SandboxHandle {
  /** Where it answers, e.g. `http://127.0.0.1:53211`; use it as the Paystack base URL. */
  url: string
  port: number
  secretKey: string
  /** A deep copy of the current state, for assertions. */
  readonly state: SandboxState
  /** Settles pending refunds and transfers now and waits for their webhooks' first attempts. */
  flush(): Promise<number>
  /** Waits until no webhook attempt is queued or running (scheduled retries are not waited for). */
  idle(): Promise<void>
  /** The webhook delivery log, oldest first (copies). */
  deliveries(): DeliveryRecord[]
  setWebhookUrl(url: string | null): void
  /** Adds subunits to a balance; returns the new balance. */
  topUp(amount: number, currency?: Currency): number
  /** Forgets all state except the webhook URL and cancels pending work. */
  reset(): void
  /** Stops listening, cancels timers and writes the persist file. */
  stop(): Promise<void>
}

function checkSecretKey(request: IncomingMessage, secretKey: string): void {
  const header = request.headers.authorization
  if (!header) throw unauthorized('No Authorization Header was found')
  const match = /^Bearer\s+(\S+)\s*$/.exec(header)
  if (!match) throw unauthorized('Format is Authorization Bearer [secret key]')
  if (match[1] !== secretKey) throw unauthorized('Invalid key')
}

async function handle(
  ctx: SandboxContext,
  routes: readonly Route[],
  request: IncomingMessage,
): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://sandbox.local')
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const method = (request.method ?? 'GET').toUpperCase()
  const found = matchRoute(routes, method, path)
  const hidden = found && 'route' in found && found.route.access === 'control'
  if (!found || (hidden && !ctx.options.controlEndpoints)) {
    return json(404, { status: false, message: `Route not found: ${method} ${path}` })
  }
  if ('allowed' in found) {
    return json(405, { status: false, message: `Method not allowed: ${method} ${path}` })
  }
  try {
    if (found.route.access === 'secret') checkSecretKey(request, ctx.options.secretKey)
    const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(request)
    const reply = await found.route.handler({
      method: method as HttpMethod,
      path,
      params: found.params,
      query: url.searchParams,
      body: parseBody(raw, request.headers['content-type']),
      headers: request.headers,
    })
    if (method !== 'GET') ctx.store.changed()
    return reply
  } catch (error) {
    if (error instanceof PaystackError) return errorReply(error)
    // A bug in the sandbox, not a refusal Paystack would give: say so and keep serving.
    process.stderr.write(
      `paystack-sandbox: ${error instanceof Error ? error.stack : String(error)}\n`,
    )
    return json(500, { status: false, message: 'Sandbox internal error; see the sandbox log' })
  }
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, {
    ...reply.headers,
    'content-length': Buffer.byteLength(reply.body),
  })
  response.end(reply.body)
}

// size: wires the context and returns the handle, whose methods are one-liners over it.
/** Starts an offline, stateful Paystack emulator. @throws Error for a live key or a busy port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const resolved = resolveOptions(options)
  const now = options.now ?? (() => new Date())
  const store = new StateStore(resolved.persistFile, resolved.initialBalances)
  if (options.webhookUrl !== undefined) store.state.webhookUrl = options.webhookUrl
  let baseUrl = ''
  const ctx: SandboxContext = {
    options: resolved,
    store,
    jobs: new JobScheduler(),
    events: new WebhookDispatcher({
      store,
      secretKey: resolved.secretKey,
      retrySchedule: resolved.webhookRetrySchedule,
      timeoutMs: resolved.webhookTimeoutMs,
      now,
    }),
    now,
    baseUrl: () => resolved.publicUrl ?? baseUrl,
  }
  const routes: Route[] = [
    ...transactionRoutes(ctx),
    ...checkoutRoutes(ctx),
    ...refundRoutes(ctx),
    ...disputeRoutes(ctx),
    ...transferRoutes(ctx),
    ...subscriptionRoutes(ctx),
    ...controlRoutes(ctx),
  ]
  // Work that was pending when a persisted sandbox stopped resumes on the usual delays.
  for (const refund of store.state.refunds) {
    if (refund.status === 'pending' || refund.status === 'processing') scheduleRefund(ctx, refund)
  }
  for (const transfer of store.state.transfers) {
    if (transfer.status === 'pending') scheduleTransfer(ctx, transfer)
  }

  const server = createServer((request, response) => {
    handle(ctx, routes, request).then(
      (reply) => send(response, reply),
      () => send(response, json(500, { status: false, message: 'Sandbox internal error' })),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host
  baseUrl = `http://${host}:${port}`

  return {
    url: baseUrl,
    port,
    secretKey: resolved.secretKey,
    get state() {
      return structuredClone(store.state)
    },
    flush: () => flushSandbox(ctx),
    idle: () => ctx.events.idle(),
    deliveries: () => structuredClone(store.state.deliveries),
    setWebhookUrl(url) {
      store.state.webhookUrl = url
      store.changed()
    },
    topUp(amount, currency = 'NGN') {
      if (!Number.isInteger(amount) || amount <= 0) throw new Error('Top up by a positive integer')
      store.state.balances[currency] += amount
      store.changed()
      return store.state.balances[currency]
    },
    reset() {
      ctx.jobs.stop()
      ctx.events.cancelRetries()
      store.reset()
    },
    async stop() {
      ctx.jobs.stop()
      ctx.events.stop()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      store.writeNow()
    },
  }
}
