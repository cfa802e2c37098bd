import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { z } from 'zod'
import type { SandboxHandle, SandboxOptions } from '../index.js'
import {
  paystackEnvelope,
  startSandbox,
  transactionDataSchema,
  transactionInitializeDataSchema,
} from '../index.js'
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js'

export const SECRET = 'sk_test_0123456789abcdef'

export interface ApiResponse {
  status: number
  headers: Headers
  /** Parsed JSON when the body is JSON, the text otherwise; read it through a schema. */
  body: unknown
}

/** Calls the sandbox like a Paystack client: Bearer key, JSON body. */
export interface Api {
  get(path: string, key?: string | null): Promise<ApiResponse>
  post(path: string, body?: unknown, key?: string | null): Promise<ApiResponse>
  form(path: string, fields: Record<string, string>): Promise<ApiResponse>
}

async function toResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // HTML pages and empty redirects stay as text.
  }
  return { status: response.status, headers: response.headers, body }
}

/** A client for one sandbox; `key: null` sends no Authorization header. */
export function apiFor(baseUrl: string, secret = SECRET): Api {
  const auth = (key: string | null | undefined): Record<string, string> => {
    const value = key === undefined ? secret : key
    return value === null ? {} : { authorization: `Bearer ${value}` }
  }
  return {
    get: async (path, key) =>
      toResponse(await fetch(`${baseUrl}${path}`, { headers: auth(key), redirect: 'manual' })),
    post: async (path, body, key) =>
      toResponse(
        await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { ...auth(key), 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: 'manual',
        }),
      ),
    form: async (path, fields) =>
      toResponse(
        await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { ...auth(undefined), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
          redirect: 'manual',
        }),
      ),
  }
}

/** The `data` of a successful envelope, checked against the sandbox's own response schema. */
export function dataOf<T extends z.ZodType>(response: ApiResponse, schema: T): z.output<T> {
  return schema.parse(paystackEnvelope(z.unknown()).parse(response.body).data)
}

/** Polls `check` until it returns a value other than undefined/false, for at most `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export interface Harness {
  sandbox: SandboxHandle
  receiver: WebhookReceiver
  api: Api
  /** Lets in-flight webhooks land, then empties the sandbox and the receiver. */
  fresh(): Promise<void>
  close(): Promise<void>
}

/** A sandbox with instant settlement, fast retries, no fees, and a live webhook receiver. */
export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const receiver = await startWebhookReceiver()
  const sandbox = await startSandbox({
    secretKey: SECRET,
    webhookUrl: receiver.url,
    transferDelayMs: 0,
    refundDelayMs: 0,
    webhookRetrySchedule: [5, 10, 20],
    webhookTimeoutMs: 2_000,
    feeModel: 'none',
    ...options,
  })
  return {
    sandbox,
    receiver,
    api: apiFor(sandbox.url),
    fresh: async () => {
      await sandbox.idle()
      sandbox.reset()
      sandbox.setWebhookUrl(receiver.url)
      receiver.received.length = 0
      receiver.statuses.length = 0
    },
    close: async () => {
      await sandbox.stop()
      await receiver.close()
    },
  }
}

/**
 * A harness started before the suite's tests (`startHarness(options)`), made fresh before each
 * test and closed after them all; its parts are read through it once `beforeAll` has run.
 */
export function harnessForSuite(options: SandboxOptions = {}): Harness {
  let made: Harness | undefined
  const harness = (): Harness => {
    if (!made) throw new Error('the suite’s harness is made in beforeAll: use it inside tests')
    return made
  }
  beforeAll(async () => {
    made = await startHarness(options)
  })
  afterAll(() => made?.close())
  beforeEach(() => harness().fresh())
  return {
    get sandbox() {
      return harness().sandbox
    },
    get receiver() {
      return harness().receiver
    },
    get api() {
      return harness().api
    },
    fresh: () => harness().fresh(),
    close: () => harness().close(),
  }
}

/** Initializes a transaction and pays it through the checkout form; returns its reference. */
export async function paidTransaction(
  harness: Harness,
  input: { email?: string; amount?: number; card?: string; reference?: string } = {},
): Promise<{ reference: string; id: number; authorizationCode: string }> {
  const init = await harness.api.post('/transaction/initialize', {
    email: input.email ?? 'ada@example.com',
    amount: input.amount ?? 1_250_000,
    ...(input.reference ? { reference: input.reference } : {}),
  })
  if (init.status !== 200) throw new Error(`initialize failed: ${JSON.stringify(init.body)}`)
  const { access_code, reference } = dataOf(init, transactionInitializeDataSchema)
  const pay = await harness.api.form(`/checkout/${access_code}`, {
    action: 'success',
    card: input.card ?? '4084084084084081',
  })
  if (pay.status !== 200) throw new Error(`checkout failed: ${pay.status}`)
  const verified = dataOf(
    await harness.api.get(`/transaction/verify/${reference}`),
    transactionDataSchema,
  )
  const authorization = verified.authorization
  if (!('authorization_code' in authorization)) throw new Error('paid without an authorization')
  return { reference, id: verified.id, authorizationCode: authorization.authorization_code }
}
