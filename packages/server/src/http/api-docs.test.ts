import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestWorld, type TestWorld } from '@kloset/core/testing'
import { createApi } from '../api.js'
import { createHttpApp } from '../host/express.js'
import { checkedRequest } from '../test-support/checked-supertest.js'

let world: TestWorld
let request: Awaited<ReturnType<typeof checkedRequest>>
beforeAll(async () => {
  world = await createTestWorld()
  const api = createApi(world.core)
  request = await checkedRequest(createHttpApp(api), api)
})
afterAll(() => world.close())

describe('the API reference page at /api/v1/docs', () => {
  it('serves a page whose scripts all come from this server, under a self-only script policy', async () => {
    const res = await request.get('/api/v1/docs').expect(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/)
    const scripts = [...res.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)]
    expect(scripts.map((m) => m[1])).toEqual([
      ' src="/api/v1/docs/swagger-ui-bundle.js"',
      ' src="/api/v1/docs/init.js"',
    ])
    expect(scripts.every((m) => m[2] === '')).toBe(true)
    expect(res.text).not.toMatch(/https?:\/\//)
  })

  it('serves Swagger UI from node_modules and points it at the OpenAPI document', async () => {
    const bundle = await request.get('/api/v1/docs/swagger-ui-bundle.js').expect(200)
    expect(bundle.headers['content-type']).toMatch(/^text\/javascript/)
    expect(Number(bundle.headers['content-length'])).toBeGreaterThan(1_000_000)
    const css = await request.get('/api/v1/docs/swagger-ui.css').expect(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    const init = await request.get('/api/v1/docs/init.js').expect(200)
    expect(init.text).toContain("url: '/api/v1/openapi.json'")
  })

  it('answers 404 in the error envelope for any other file', async () => {
    const res = await request.get('/api/v1/docs/package.json').expect(404)
    expect(res.body.error).toMatchObject({ code: 'not_found' })
    await request.get('/api/v1/docs/..%2Fpackage.json').expect(404)
  })

  it('stays out of the OpenAPI document', async () => {
    const res = await request.get('/api/v1/openapi.json').expect(200)
    expect(Object.keys(res.body.paths).filter((p) => p.startsWith('/api/v1/docs'))).toEqual([])
  })
})
