import type { ValidateFunction } from 'ajv'
import { allRoutes } from '../api.js'
import { bodySchemas, buildOpenApi } from '../http/openapi.js'
import type { RouteDef } from '../http/route.js'
import { ContractChecker, ContractViolation, newAjv } from '../test-support/contract.js'

// biome-ignore lint/suspicious/noExplicitAny: the test walks a JSON document
type Json = Record<string, any>
const document = buildOpenApi(allRoutes, {
  version: '0.0.0',
  serverUrl: 'http://localhost:8080',
}) as Json

/** A stand-in API that serves the document and answers nothing else: enough for the checker. */
const documentOnly = {
  routes: allRoutes,
  fetch: async () => new Response(JSON.stringify(document)),
}

describe('the API contract', () => {
  it('gives every route a response schema for each status that answers with a body', () => {
    const missing = allRoutes.flatMap((r: RouteDef) => {
      const schemas = bodySchemas(r)
      return Object.keys(r.responses)
        .map(Number)
        .filter((s) => s >= 200 && s <= 299 && s !== 204 && !schemas.has(s))
        .map((s) => `${r.method} ${r.path} ${s}`)
    })
    expect(missing).toEqual([])
  })

  it('lists the errors the edge answers on every operation, whatever the route row says', () => {
    const statuses = (path: string, method: string) =>
      Object.keys(document.paths[path][method].responses)
    // Signed-in and role-gated, with a body: every edge error.
    expect(statuses('/api/v1/admin/stores/{id}/approve', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '403', '413', '415', '429', '503']),
    )
    // Public and bodiless: a bad token sent anyway is still a 401; no body, no 413 or 415.
    const catalog = statuses('/api/v1/products', 'get')
    expect(catalog).toEqual(expect.arrayContaining(['400', '401', '403', '503']))
    expect(catalog).not.toContain('413')
  })

  it('refuses an edge error status the operation does not declare', async () => {
    const checker = await ContractChecker.of(documentOnly as never)
    const envelope = { error: { code: 'payload_too_large', message: 'Too large', requestId: 'r1' } }
    expect(() => checker.check('GET', '/api/v1/products', 413, envelope)).toThrow(/not declared/)
    expect(() => checker.check('GET', '/api/v1/products', 418, { ...envelope })).not.toThrow()
  })

  it('describes every error answer with the one error envelope', () => {
    for (const [path, operations] of Object.entries(document.paths as Json)) {
      for (const [method, op] of Object.entries(operations as Json)) {
        for (const [status, response] of Object.entries(op.responses as Json)) {
          if (status !== 'default' && Number(status) < 400) continue
          if (path === '/readyz' && status === '503') continue
          expect([method, path, status, response.content['application/json'].schema]).toEqual([
            method,
            path,
            status,
            { $ref: '#/components/schemas/Error' },
          ])
        }
      }
    }
  })

  it('gives every response body an example that its own schema accepts', () => {
    const ajv = newAjv()
    ajv.addSchema({ $id: 'doc', components: document.components })
    const compiled = new Map<string, ValidateFunction>()
    let checked = 0
    for (const operations of Object.values(document.paths as Json)) {
      for (const op of Object.values(operations as Json)) {
        for (const response of Object.values(op.responses as Json)) {
          const media = response.content?.['application/json']
          if (!media) continue
          expect(media).toHaveProperty('example')
          const rooted = JSON.stringify(media.schema).replaceAll(
            '"#/components/',
            '"doc#/components/',
          )
          // One compile per distinct schema (every error shares one).
          const validate = compiled.get(rooted) ?? ajv.compile(JSON.parse(rooted))
          compiled.set(rooted, validate)
          const valid = validate(media.example)
          expect([ajv.errorsText(validate.errors), media.example]).toEqual([
            'No errors',
            media.example,
          ])
          expect(valid).toBe(true)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(allRoutes.length)
  })

  it('names the shared shapes as components', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'User', 'Store', 'Product', 'Order', 'Cart', 'Payout']),
    )
    const order = document.paths['/api/v1/orders/{id}'].get.responses['200']
    expect(order.content['application/json'].schema.properties.order).toEqual({
      $ref: '#/components/schemas/Order',
    })
  })

  describe('the checker every test call goes through', () => {
    let checker: ContractChecker
    beforeAll(async () => {
      checker = await ContractChecker.of(documentOnly as never)
    })
    const user = {
      id: 'u1',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'buyer',
      status: 'active',
      emailVerified: true,
      createdAt: '2026-12-01T09:00:00.000Z',
    }

    it('accepts a body that matches the document', () => {
      expect(() => checker.check('GET', '/api/v1/me', 200, { user })).not.toThrow()
    })

    it('refuses a field the document does not know', () => {
      expect(() =>
        checker.check('GET', '/api/v1/me', 200, { user: { ...user, passwordHash: 'x' } }),
      ).toThrow(ContractViolation)
    })

    it('refuses a body that lacks a required field', () => {
      const { email: _gone, ...withoutEmail } = user
      expect(() => checker.check('GET', '/api/v1/me', 200, { user: withoutEmail })).toThrow(/email/)
    })

    it('refuses a success status the route does not declare', () => {
      expect(() => checker.check('GET', '/api/v1/me', 201, { user })).toThrow(/not declared/)
    })

    it('holds a non-JSON answer to the schema of its Content-Type, which must be declared', () => {
      const path = '/api/v1/admin/reports/revenue'
      const csv =
        'start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue\r\ntotal,,NGN,0,0,0,0,0,0\r\n'
      expect(() => checker.check('GET', path, 200, csv, 'text/csv; charset=utf-8')).not.toThrow()
      const { example } = document.paths[path].get.responses['200'].content['text/csv']
      expect(() => checker.check('GET', path, 200, example, 'text/csv')).not.toThrow()
      expect(() => checker.check('GET', path, 200, 'nope', 'text/csv')).toThrow(ContractViolation)
      expect(() => checker.check('GET', path, 200, csv)).toThrow(ContractViolation)
      expect(() => checker.check('GET', '/api/v1/me', 200, 'ada', 'text/plain')).toThrow(
        /no response schema declared for text\/plain/,
      )
    })

    it('refuses an error that is not in the envelope', () => {
      expect(() => checker.check('GET', '/api/v1/me', 401, { message: 'no' })).toThrow(
        ContractViolation,
      )
      expect(() =>
        checker.check('GET', '/api/v1/nowhere', 404, {
          error: { code: 'not_found', message: 'No such route', requestId: 'r1' },
        }),
      ).not.toThrow()
    })
  })
})
