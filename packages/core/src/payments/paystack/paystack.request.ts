import type { z } from 'zod'
import { UnavailableError, UpstreamError, ValidationError } from '../../shared/errors.js'
import type { Logger } from '../../shared/logger.js'
import { readCapped } from '../../shared/read-capped.js'
import { paystackFailure } from './paystack.errors.js'
import { paystackEnvelope, paystackListEnvelope } from './paystack.schemas.js'
/** How a resource module calls Paystack: a query string's fields, a JSON body. */
export type Query = Record<string, string>
export type Body = Record<string, unknown>

export const DEFAULT_PAYSTACK_TIMEOUT_MS = 10_000
/** The bank list is the largest answer we expect (a few hundred KB); anything far bigger is wrong. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
/** Paystack's rule for transfer references. */
export const TRANSFER_REFERENCE = /^[a-z0-9_-]{16,50}$/
/** Paystack's rule for transaction references (alphanumerics plus `-`, `.`, `=`). */
export const TRANSACTION_REFERENCE = /^[A-Za-z0-9.=-]{1,100}$/

export function assertAmount(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError('Invalid Paystack call', {
      [field]: 'must be a positive whole number of minor units',
    })
  }
}

export function assertTransferReference(reference: string, field = 'reference'): void {
  if (!TRANSFER_REFERENCE.test(reference)) {
    throw new ValidationError(
      'Invalid Paystack call',
      { [field]: 'must be 16 to 50 characters of a-z, 0-9, - and _' },
      'invalid_transfer_reference',
    )
  }
}

export function assertTransactionReference(reference: string): void {
  if (!TRANSACTION_REFERENCE.test(reference)) {
    throw new ValidationError('Invalid Paystack call', {
      reference: 'must be 1 to 100 characters of letters, digits, -, . and =',
    })
  }
}

/** Paystack's answer as text, cut off (and refused) once it passes the cap. */
async function readAnswer(response: Response): Promise<string> {
  const bytes = await readCapped(
    response.body,
    MAX_RESPONSE_BYTES,
    () => new UpstreamError('Paystack sent an oversized answer', 'paystack_bad_response'),
  )
  return new TextDecoder().decode(bytes)
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

export function assertPositiveId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ValidationError('Invalid Paystack call', { id: 'must be a positive integer' })
  }
}

export interface PaystackClientOptions {
  secretKey: string
  /** `https://api.paystack.co`, or the sandbox's URL. */
  baseUrl: string
  /** Per call, connection to last byte (default 10 s). */
  timeoutMs?: number
  logger?: Logger
}

/**
 * The request core every Paystack resource shares: the Authorization header, the timeout, the
 * capped answer, the envelope checked with zod, one error per failure (see `paystackFailure`),
 * and the secret key redacted from anything Paystack sends back. Logs method, path, status and
 * time only.
 */
export class PaystackRequest {
  readonly baseUrl: string
  readonly timeoutMs: number
  // A private field: invisible to JSON.stringify and util.inspect, so logging the client is safe.
  readonly #secretKey: string
  readonly #logger: Logger | undefined

  constructor(options: PaystackClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PAYSTACK_TIMEOUT_MS
    this.#secretKey = options.secretKey
    this.#logger = options.logger
  }

  /** One call whose envelope holds `data` of `schema`. */
  async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: S,
    what: string,
    options: { query?: Query; body?: Body } = {},
  ): Promise<z.infer<S>> {
    // zod cannot resolve the envelope's output for a generic S; the parse did check `data`.
    const envelope = (await this.send(method, path, paystackEnvelope(schema), what, options)) as {
      data: z.output<S>
    }
    return envelope.data
  }

  /** One call whose envelope holds a list (`data`, `meta`). */
  callList<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    item: S,
    what: string,
    query: Query = {},
    body?: Body,
  ) {
    return this.send(method, path, paystackListEnvelope(item), what, {
      query,
      ...(body ? { body } : {}),
    })
  }

  /** One call checked against a whole envelope. */
  async send<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    envelope: S,
    what: string,
    options: { query?: Query; body?: Body },
  ): Promise<z.infer<S>> {
    const url = new URL(`${this.baseUrl}${path}`)
    for (const [name, value] of Object.entries(options.query ?? {}))
      url.searchParams.set(name, value)
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    // Only these fields are ever logged: no headers, no bodies, no query (account numbers).
    const logged = { method, path }
    const { status, text } = await this.exchange(url, method, what, options.body, logged, elapsed)
    const body = this.parseJson(text)
    const refused =
      typeof body === 'object' && body !== null && 'status' in body && body.status === false
    if (status < 200 || status >= 300 || refused) {
      throw this.failed(paystackFailure(status, body, what), logged, elapsed(), status)
    }
    const parsed = envelope.safeParse(body)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '_'))]
      const error = new UpstreamError(
        `Paystack answered ${what} in an unexpected shape`,
        'paystack_bad_response',
        { fields: fields.slice(0, 10) },
      )
      throw this.failed(error, logged, elapsed(), status)
    }
    this.#logger?.debug({ paystack: { ...logged, status, ms: elapsed() } }, 'paystack call')
    return parsed.data
  }

  /** The HTTP exchange: status and capped text, or the error a failure to reach Paystack is. */
  private async exchange(
    url: URL,
    method: string,
    what: string,
    body: Body | undefined,
    logged: { method: string; path: string },
    elapsed: () => number,
  ): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#secretKey}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        // A redirect from a payment API is a misconfiguration or an attack: never follow it
        // (fetch would resend the Authorization header to wherever it points).
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      return { status: response.status, text: await readAnswer(response) }
    } catch (error) {
      if (error instanceof UpstreamError) throw this.failed(error, logged, elapsed())
      const unavailable = new UnavailableError(
        isTimeout(error)
          ? `Paystack did not answer ${what} within ${this.timeoutMs} ms`
          : `Could not reach Paystack to ${what}`,
        'paystack_unavailable',
      )
      throw this.failed(unavailable, logged, elapsed())
    }
  }

  private parseJson(text: string): unknown {
    // Anything Paystack (or whatever answers at the base URL) echoes back loses our key before
    // it can reach an error message, a log line or a caller.
    const clean = text.replaceAll(this.#secretKey, '[redacted]')
    try {
      return JSON.parse(clean)
    } catch {
      return undefined
    }
  }

  private failed<E extends Error & { code: string }>(
    error: E,
    logged: { method: string; path: string },
    ms: number,
    status?: number,
  ): E {
    this.#logger?.warn(
      { paystack: { ...logged, ms, ...(status ? { status } : {}), code: error.code } },
      'paystack call failed',
    )
    return error
  }
}
