import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestWorld, type TestWorld } from '@kloset/core/testing'
import { type RunningServer, startServer } from '../server.js'
import { checkAnswer, checkedFetch } from '../test-support/checked-fetch.js'

describe('stopping the server', () => {
  let world: TestWorld
  let server: RunningServer
  beforeAll(async () => {
    world = await createTestWorld()
    server = await startServer(world.core, { port: 0, host: '127.0.0.1' })
  })
  afterAll(() => world.close())

  it('lets a request in flight finish, reports not ready, and refuses new connections', async () => {
    const { port } = new URL(server.url)
    expect((await checkedFetch(`${server.url}/readyz`)).status).toBe(200)
    // A login whose body is still arriving when the shutdown starts.
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
          res.on('data', (chunk) => (body += chunk))
          res.on('end', () =>
            done({ status: res.statusCode!, body, type: res.headers['content-type'] }),
          )
        },
      )
      req.on('error', fail)
      req.write('{"email":"nobody@example.test",')
      setTimeout(() => req.end('"password":"not the password"}'), 500)
    })
    await new Promise((done) => setTimeout(done, 100))
    const closing = server.close(5_000)
    await new Promise((done) => setTimeout(done, 50))

    expect((await world.core.health.readiness()).checks.shutdown).toMatchObject({ ok: false })
    await expect(checkedFetch(`${server.url}/healthz`)).rejects.toThrow()
    const { status, body, type } = await answer
    await checkAnswer(server.url, 'POST', '/api/v1/auth/login', status, body, { contentType: type })
    expect(status).toBe(401)
    expect(JSON.parse(body).error.code).toBe('invalid_credentials')
    await closing
  })
})
