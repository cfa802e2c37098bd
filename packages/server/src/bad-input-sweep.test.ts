import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  aProductIn,
  aSignedUpSeller,
  aVerifiedUser,
  createTestWorld,
  eventually,
  type TestWorld,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from './test-support/api-harness.js'

type Schema = {
  type?: string | string[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  properties?: Record<string, Schema>
  minimum?: number
  exclusiveMinimum?: number
  maxLength?: number
  pattern?: string
  format?: string
}
type Operation = {
  'x-roles'?: string[]
  security?: unknown[]
  parameters?: { name: string; in: string }[]
  requestBody?: { content: Record<string, { schema: Schema }> }
}

let world: TestWorld
let http: TestApi
const tokens: Record<string, string> = {}
let productId: string
beforeAll(async () => {
  world = await createTestWorld()
  http = createTestApi(world)
  tokens.admin = (await aVerifiedUser(world, 'admin')).session.accessToken
  tokens.buyer = (await aVerifiedUser(world)).session.accessToken
  const seller = await aSignedUpSeller(world)
  tokens.seller = seller.token
  productId = (await aProductIn(world, seller.seller, 'approved')).product.id
})
afterAll(() => world.close())

/** Every document of every collection, hashed: "nothing changed" is this staying the same. */
async function databaseFingerprint(): Promise<Record<string, string>> {
  const db = world.core.connection.db!
  const result: Record<string, string> = {}
  for (const { name } of await db.listCollections().toArray()) {
    // The event relay marks events published in the background: which events exist is what counts.
    const projection = name === 'events' ? { _id: 1 } : {}
    const docs = await db.collection(name).find({}, { projection }).sort({ _id: 1 }).toArray()
    result[name] = createHash('sha256').update(JSON.stringify(docs)).digest('hex')
  }
  return result
}

const HUGE = 'x'.repeat(200_000)

/** The JSON types a property accepts (`type`, or the branches of `anyOf` / `oneOf`). */
function typesOf(schema: Schema): Set<string> {
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
  const types = new Set([schema.type ?? []].flat())
  for (const branch of branches) for (const type of typesOf(branch)) types.add(type)
  if (types.has('integer')) types.add('number')
  return types
}

/** Values a property of this schema must refuse: other JSON types, and out-of-range numbers. */
function wrongValuesFor(schema: Schema): unknown[] {
  const types = typesOf(schema)
  if (types.size === 0) return []
  const candidates: [string, unknown][] = [
    ['object', { $gt: '' }],
    ['object', { __proto__: null, constructor: 1 }],
    ['array', ['__proto__']],
    ['null', null],
    ['string', 'text'],
    ['number', 12],
    ['boolean', true],
  ]
  const values = candidates.filter(([type]) => !types.has(type)).map(([, value]) => value)
  if (types.has('integer')) values.push(1.5, 1e308)
  const minimum = schema.minimum ?? schema.exclusiveMinimum
  if (types.has('number') && minimum !== undefined && minimum >= 0) values.push(-1)
  if (types.has('string')) {
    values.push(HUGE)
    // Where a format is required: near misses that pass a loose check and break a strict one.
    if (schema.pattern || schema.format) values.push('$where')
    if (schema.format?.startsWith('date') || schema.pattern?.includes('\\d{4}-'))
      values.push('2026-13-45', '0000-00-00')
  }
  return values
}

/** Malformed bodies for a route: not JSON, not an object, hostile keys, and each property wrong. */
function badBodies(schema: Schema): { label: string; raw: string; contentType?: string }[] {
  const bodies = [
    { label: 'malformed JSON', raw: '{"a":' },
    { label: 'empty body', raw: '' },
    { label: 'array', raw: '[]' },
    { label: 'null', raw: 'null' },
    { label: 'string', raw: '"text"' },
    { label: 'number', raw: '42' },
    {
      label: '__proto__',
      raw: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}',
    },
    { label: 'operator keys', raw: '{"$where":"sleep(1000)","$set":{"role":"admin"}}' },
    { label: 'unknown field', raw: '{"surplus":true}' },
    { label: 'text/plain', raw: '{}', contentType: 'text/plain' },
    { label: 'huge body', raw: JSON.stringify({ blob: 'y'.repeat(1_100_000) }) },
  ]
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    for (const value of wrongValuesFor(property)) {
      bodies.push({
        label: `${name}=${JSON.stringify(value).slice(0, 30)}`,
        raw: JSON.stringify({ [name]: value }),
      })
    }
  }
  return bodies
}

function tokenFor(operation: Operation): string | undefined {
  if (operation.security?.length === 0) return undefined
  const roles = operation['x-roles'] ?? ['buyer']
  return tokens[roles.includes('admin') ? 'admin' : roles.includes('seller') ? 'seller' : 'buyer']
}

describe('the bad-input sweep over every write route of the OpenAPI document', () => {
  it('answers every malformed, hostile or oversized body with a 4xx in the error envelope and changes nothing', async () => {
    const doc = await http.call<{ paths: Record<string, Record<string, Operation>> }>(
      'GET',
      '/api/v1/openapi.json',
    )
    // Mail queued while setting up leaves the outbox in the background: let it go first.
    await eventually(
      async () =>
        (await world.core.connection.db!.collection('mail_outbox').countDocuments()) === 0,
    )
    const before = await databaseFingerprint()
    const failures: string[] = []
    let sent = 0
    let routes = 0
    for (const [path, operations] of Object.entries(doc.body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema
        if (!schema) continue
        routes++
        const url = path.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) =>
          name === 'id' || name === 'productId' ? productId : '000000000000000000000000',
        )
        const token = tokenFor(operation)
        const idempotent = operation.parameters?.some((p) => p.name === 'Idempotency-Key')
        for (const body of badBodies(schema)) {
          sent++
          const answer = await http.call<{ error?: { code?: unknown; requestId?: unknown } }>(
            method.toUpperCase(),
            url,
            {
              raw: { bytes: body.raw, contentType: body.contentType ?? 'application/json' },
              ...(token ? { token } : {}),
              ...(idempotent
                ? { headers: { 'idempotency-key': randomBytes(12).toString('hex') } }
                : {}),
            },
          )
          const enveloped =
            typeof answer.body?.error?.code === 'string' &&
            typeof answer.body.error.requestId === 'string'
          if (answer.status < 400 || answer.status >= 500 || !enveloped) {
            failures.push(
              `${method.toUpperCase()} ${path} [${body.label}] -> ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`,
            )
          }
        }
      }
    }
    expect(failures).toEqual([])
    expect(routes).toBeGreaterThan(30)
    expect(sent).toBeGreaterThan(500)
    expect(await databaseFingerprint()).toEqual(before)
  })
})
