import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestWorld, type TestWorld } from '@kloset/core/testing'
import { allRoutes, createApi } from '../api.js'
import { ContractChecker } from '../test-support/contract.js'
import { createCors } from './cors.js'
import { compose, initialState, type Middleware, middleware } from './middleware.js'
import { apiPipeline, MAX_REQUEST_BYTES } from './pipeline.js'
import { Router } from './router.js'

const aRequest = () => new Request('http://localhost:8080/healthz')

describe('compose', () => {
  it('runs each middleware around the ones after it, the first outermost', async () => {
    const trace: string[] = []
    const around = (name: string): Middleware =>
      middleware(name, async (_request, _state, next) => {
        trace.push(`${name} in`)
        const response = await next()
        trace.push(`${name} out`)
        return response
      })
    const answer = middleware('answer', async () => {
      trace.push('answer')
      return new Response(null, { status: 204 })
    })
    const request = aRequest()
    const response = await compose([around('a'), around('b'), answer])(
      request,
      initialState(request, {}),
    )
    expect(response.status).toBe(204)
    expect(trace).toEqual(['a in', 'b in', 'answer', 'b out', 'a out'])
  })

  it('fails when every middleware passes the request on and none answers', async () => {
    const pass = middleware('pass', async (_request, _state, next) => next())
    const request = aRequest()
    await expect(compose([pass])(request, initialState(request, {}))).rejects.toThrow(
      'The request pipeline ended without an answer',
    )
  })
})

/** The middleware names of the pipeline list in docs/architecture.md, in its order. */
function documentedOrder(): string[] {
  const doc = readFileSync(new URL('../../../../docs/architecture.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('### The request pipeline'))
  const list = section.slice(0, section.indexOf('\n\n', section.indexOf('1. ')))
  return [...list.matchAll(/^\d+\. `(\w+)`/gm)].map((match) => match[1] as string)
}

describe('the API pipeline', () => {
  let world: TestWorld
  beforeAll(async () => {
    world = await createTestWorld()
  })
  afterAll(() => world.close())

  it('runs its middleware in the order docs/architecture.md lists them', async () => {
    const entered: string[] = []
    const deps = {
      core: world.core,
      cors: createCors([]),
      router: new Router(allRoutes),
      pages: undefined,
      maxRequestBytes: MAX_REQUEST_BYTES,
    }
    const traced = apiPipeline(deps).map((step) =>
      middleware(step.name, (request, state, next) => {
        entered.push(step.name)
        return step.run(request, state, next)
      }),
    )
    const request = aRequest()
    const response = await compose(traced)(request, initialState(request, { ip: '127.0.0.1' }))
    // The traced pipeline's answer is held to the OpenAPI document like any other.
    const contract = await ContractChecker.of(createApi(world.core))
    contract.check('GET', '/healthz', response.status, await response.json())
    expect(response.status).toBe(200)
    expect(documentedOrder().length).toBeGreaterThan(10)
    expect(entered).toEqual(documentedOrder())
  })
})
