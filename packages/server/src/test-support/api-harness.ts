import type { TestWorld } from '@kloset/core/testing'
import { type Api, createApi } from '../api.js'
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
}

export function createTestApi(world: TestWorld): TestApi {
  const api = createApi(world.core)
  // Every answer is checked against the OpenAPI document (docs/api.md, "The contract").
  let contract: Promise<ContractChecker> | undefined
  return {
    api,
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
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // not JSON: keep the text
      }
      contract ??= ContractChecker.of(api)
      const type = response.headers.get('content-type') ?? undefined
      ;(await contract).check(method, path, response.status, parsed, type)
      return { status: response.status, body: parsed as never, headers: response.headers }
    },
  }
}
