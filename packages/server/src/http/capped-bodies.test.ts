import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { MAX_IMAGE_BYTES, PAYSTACK_WEBHOOK_PATH } from '@kloset/core'
import { aVerifiedUser, createTestWorld, type TestWorld } from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'
import { MULTIPART_OVERHEAD_BYTES } from './multipart.js'
import { MAX_JSON_BYTES } from './parse.js'

let world: TestWorld
let http: TestApi
beforeAll(async () => {
  world = await createTestWorld()
  http = createTestApi(world)
})
afterAll(() => world.close())

const CHUNK = 64 * 1024

/**
 * A chunked request body with no content-length that never ends: it counts the bytes the server
 * pulled, so a test can tell the answer came without draining it.
 */
function anEndlessRequest(path: string, headers: Record<string, string>) {
  const seen = { bytes: 0, cancelled: false }
  const chunk = new Uint8Array(CHUNK).fill(0x61)
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.bytes += chunk.byteLength
      controller.enqueue(chunk)
    },
    cancel() {
      seen.cancelled = true
    },
  })
  const request = new Request(`http://localhost:8080${path}`, {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit)
  return { request, seen }
}

let ip = 10
/** Each test from its own address: a 413 counts towards an automatic block of its sender. */
const send = (request: Request) => http.send(request, { ip: `10.9.0.${ip++}` })

async function expectPayloadTooLarge(response: Response) {
  const body = (await response.json()) as { error: { code: string; requestId: string } }
  expect([response.status, body.error.code]).toEqual([413, 'payload_too_large'])
  expect(body.error.requestId).toBe(response.headers.get('x-request-id'))
}

describe('a chunked body over its cap, with no content-length', () => {
  it('gets 413 on a JSON route before more than the cap and a chunk or two is read', async () => {
    const { request, seen } = anEndlessRequest('/api/v1/auth/login', {
      'content-type': 'application/json',
    })
    await expectPayloadTooLarge(await send(request))
    expect(seen.bytes).toBeLessThanOrEqual(MAX_JSON_BYTES + 2 * CHUNK)
    expect(seen.cancelled).toBe(true)
  })

  it('gets 413 on the Paystack webhook without reading the rest', async () => {
    const { request, seen } = anEndlessRequest(PAYSTACK_WEBHOOK_PATH, {
      'content-type': 'application/json',
      'x-paystack-signature': 'f'.repeat(128),
    })
    await expectPayloadTooLarge(await send(request))
    expect(seen.bytes).toBeLessThanOrEqual(MAX_JSON_BYTES + 2 * CHUNK)
    expect(seen.cancelled).toBe(true)
  })

  it('gets 413 on an upload without reading the rest', async () => {
    const { session } = await aVerifiedUser(world, 'seller')
    const { request, seen } = anEndlessRequest(
      '/api/v1/seller/products/000000000000000000000000/images',
      {
        'content-type': 'multipart/form-data; boundary=xyz',
        authorization: `Bearer ${session.accessToken}`,
      },
    )
    await expectPayloadTooLarge(await send(request))
    expect(seen.bytes).toBeLessThanOrEqual(MAX_IMAGE_BYTES + MULTIPART_OVERHEAD_BYTES + 2 * CHUNK)
    expect(seen.cancelled).toBe(true)
  })
})
