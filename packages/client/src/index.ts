import createFetchClient, { type Client, type Middleware } from 'openapi-fetch'
import type { components, operations, paths } from './generated/schema.js'

/**
 * A typed client of the KlosetStore REST API. Paths, parameters, bodies and answers are the
 * types openapi-typescript generated from the OpenAPI document (`npm run client` regenerates
 * them; a test fails when they fall behind the server).
 */
export type { components, operations, paths }

/** The named shapes of the API: `Schemas['Order']`, `Schemas['Error']`, ... */
export type Schemas = components['schemas']

export type KlosetClient = Client<paths>

export interface KlosetClientOptions {
  /** Where the API is served, e.g. `https://api.klosetstore.com` (no `/api/v1`). */
  baseUrl: string
  /** The access token to send as `Authorization: Bearer`, read before each request. */
  token?: () => string | undefined
  /** Another fetch (tests, edge runtimes). */
  fetch?: (request: Request) => Promise<Response>
}

/** Creates a client; each request carries the token `options.token` returns at that moment. */
export function createKlosetClient(options: KlosetClientOptions): KlosetClient {
  const client = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  const bearer: Middleware = {
    onRequest({ request }) {
      const token = options.token?.()
      if (token) request.headers.set('authorization', `Bearer ${token}`)
      return request
    },
  }
  client.use(bearer)
  return client
}
