import { prefixedCode } from './ids.js'
import type { DeliveryRecord, JsonValue } from './paystack.types.js'
import type { StateStore } from './state.store.js'
import { signPayload } from './webhook.signature.js'

export interface DispatcherDeps {
  store: StateStore
  secretKey: string
  /** Waits between attempts: attempt n+1 follows attempt n after `retrySchedule[n-1]` ms. */
  retrySchedule: readonly number[]
  timeoutMs: number
  now: () => Date
}

/**
 * Sends signed webhook events and keeps the delivery log. First attempts go out one at a time in
 * the order events happened (so `refund.pending` reaches a receiver before `refund.processed`);
 * retries run on their own timers.
 */
export class WebhookDispatcher {
  private chain: Promise<void> = Promise.resolve()
  private readonly running = new Set<Promise<void>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly aborts = new Set<AbortController>()
  private stopped = false

  constructor(private readonly deps: DispatcherDeps) {}

  /** Records an event and queues its delivery to the current webhook URL. */
  emit(event: string, data: JsonValue): DeliveryRecord {
    // Compact JSON, like Paystack: receivers that re-serialise the parsed body still match.
    const body = JSON.stringify({ event, data })
    return this.enqueue(event, body, null)
  }

  /** Sends a past delivery's exact body again, to the webhook URL set now. */
  replay(original: DeliveryRecord): DeliveryRecord {
    return this.enqueue(original.event, original.body, original.id)
  }

  /** Resolves once every queued first attempt and every running attempt has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const chain = this.chain
      await chain
      await Promise.all([...this.running])
      if (chain === this.chain && this.running.size === 0) return
    }
  }

  /** Drops the retries still waiting (a reset should not resend events of the old state). */
  cancelRetries(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** Cancels retries and aborts requests in flight. */
  stop(): void {
    this.stopped = true
    this.cancelRetries()
    for (const abort of this.aborts) abort.abort()
  }

  private enqueue(event: string, body: string, replayOf: string | null): DeliveryRecord {
    const { store } = this.deps
    const url = store.state.webhookUrl
    const delivery: DeliveryRecord = {
      id: prefixedCode('DLV'),
      event,
      url,
      body,
      signature: signPayload(this.deps.secretKey, body),
      status: url ? 'pending' : 'skipped',
      attempts: [],
      replayOf,
      createdAt: this.deps.now().toISOString(),
    }
    store.state.deliveries.push(delivery)
    store.changed()
    if (url) this.chain = this.chain.then(() => this.track(this.attempt(delivery, url, 1)))
    return delivery
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work)
    return work.finally(() => this.running.delete(work))
  }

  private async attempt(delivery: DeliveryRecord, url: string, attempt: number): Promise<void> {
    if (this.stopped) return
    const started = Date.now()
    const abort = new AbortController()
    this.aborts.add(abort)
    const timeout = setTimeout(() => abort.abort(), this.deps.timeoutMs)
    let statusCode: number | null = null
    let error: string | null = null
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-paystack-signature': delivery.signature,
          'user-agent': 'kloset-paystack-sandbox',
        },
        body: delivery.body,
        signal: abort.signal,
      })
      statusCode = response.status
      await response.arrayBuffer()
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause)
    } finally {
      clearTimeout(timeout)
      this.aborts.delete(abort)
    }
    if (this.stopped) return
    delivery.attempts.push({
      attempt,
      url,
      statusCode,
      error,
      at: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    })
    // Paystack counts only a 200 as acknowledged; a 201 or 204 is retried like a 500.
    const delivered = statusCode === 200
    const wait = this.deps.retrySchedule[attempt - 1]
    delivery.status = delivered ? 'delivered' : wait === undefined ? 'failed' : 'pending'
    this.deps.store.changed()
    if (delivered || wait === undefined) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void this.track(this.attempt(delivery, url, attempt + 1))
    }, wait)
    this.timers.add(timer)
  }
}
