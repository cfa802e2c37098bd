import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestWorld, type TestWorld } from '@kloset/core/testing'
import { MAX_JSON_BYTES } from '../http/parse.js'
import { type RunningServer, startServer } from '../server.js'
import { checkAnswer } from '../test-support/checked-fetch.js'

let world: TestWorld
let server: RunningServer
beforeAll(async () => {
  world = await createTestWorld()
  server = await startServer(world.core, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server.close(1_000)
  await world.close()
})

/** Far more than any cap: a sender still writing when it gets this far was never answered. */
const GIVE_UP_BYTES = 64 * 1024 * 1024

describe('a chunked body over the cap, over the wire', () => {
  it('gets 413 while the client is still sending, through the Express host', async () => {
    const { port } = new URL(server.url)
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    let sent = 0
    const answer = new Promise<{ status: number; body: string; type?: string }>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = ''
          res.on('data', (part) => (body += part))
          res.on('end', () => {
            done({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] })
            req.destroy()
          })
        },
      )
      req.on('error', fail)
      const more = () => {
        if (req.destroyed || sent >= GIVE_UP_BYTES) return req.end()
        sent += chunk.byteLength
        req.write(chunk, more)
      }
      more()
    })
    const { status, body, type } = await answer
    await checkAnswer(server.url, 'POST', '/api/v1/auth/login', status, body, { contentType: type })
    expect([status, JSON.parse(body).error.code]).toEqual([413, 'payload_too_large'])
    expect(sent).toBeGreaterThan(MAX_JSON_BYTES)
    expect(sent).toBeLessThan(GIVE_UP_BYTES)
  })
})
