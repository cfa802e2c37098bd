import type { TestWorld } from '@kloset/core/testing'
import { type Api, type ConnectionInfo, createApi } from '../api.js'
import { ContractChecker } from './contract.js'

export interface ApiResult<T = unknown> {
  status: number
  body: T
  headers: Headers
}

export interface TestApi {
  api: Api
  /**
   * Calls the API in-process through `api.fetch` (no server), the way Hono's tests do.
   * `body` objects are sent as JSON; `raw` sends bytes with the given content type.
   */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: {
      body?: unknown
      token?: string
      headers?: Record<string, string>
      ip?: string
      raw?: { bytes: Uint8Array | string; contentType: string }
    },
  ): Promise<ApiResult<T>>
  /**
   * Sends a request built by hand (a multipart upload) through `api.fetch`; the answer is checked
   * against the document like every `call`, and comes back unread.
   */
  send(request: Request, info?: ConnectionInfo): Promise<Response>
}

export function createTestApi(world: TestWorld): TestApi {
  const api = createApi(world.core)
  // Every answer is checked against the OpenAPI document (docs/api.md, "The contract").
  let contract: Promise<ContractChecker> | undefined
  const check = async (method: string, path: string, response: Response, body: unknown) => {
    contract ??= ContractChecker.of(api)
    const type = response.headers.get('content-type') ?? undefined
    ;(await contract).check(method, path, response.status, body, type)
  }
  return {
    api,
    async send(request, info = { ip: '127.0.0.1' }) {
      const response = await api.fetch(request, info)
      const text = await response.clone().text()
      await check(request.method, request.url, response, parseText(text))
      return response
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers }
      let body: BodyInit | undefined
      if (options.raw) {
        headers['content-type'] = options.raw.contentType
        body = options.raw.bytes as BodyInit
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json'
        body = JSON.stringify(options.body)
      }
      if (options.token) headers.authorization = `Bearer ${options.token}`
      const response = await api.fetch(
        new Request(`http://localhost:8080${path}`, { method, headers, body }),
        {
          ip: options.ip ?? '127.0.0.1',
        },
      )
      const parsed = parseText(await response.text())
      await check(method, path, response, parsed)
      return { status: response.status, body: parsed as never, headers: response.headers }
    },
  }
}

/** A JSON body as its value, anything else as its text. */
function parseText(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}
