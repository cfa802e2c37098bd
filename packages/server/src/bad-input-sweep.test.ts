import { createHash, randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  anAdminToken,
  aProductIn,
  aSignedUpSeller,
  aVerifiedUser,
  eventually,
} from '@kloset/core/testing'
import { testApiForSuite } from './test-support/suite.js'

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

const tokens: Record<string, string> = {}
let productId: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  tokens.admin = await anAdminToken(world)
  tokens.buyer = (await aVerifiedUser(world)).session.accessToken
  const seller = await aSignedUpSeller(world)
  tokens.seller = seller.token
  productId = (await aProductIn(world, seller.seller, 'approved')).product.id
})

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
/** Hundreds of requests against the engine: more than the default 30 s on a loaded machine. */
const SWEEP_TIMEOUT_MS = 180_000

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

/** The OpenAPI document, and the database's fingerprint once setting up has settled. */
async function documentAndFingerprint() {
  const doc = await http.call<{ paths: Record<string, Record<string, Operation>> }>(
    'GET',
    '/api/v1/openapi.json',
  )
  // Mail queued while setting up leaves the outbox in the background: let it go first.
  await eventually(
    async () => (await world.core.connection.db!.collection('mail_outbox').countDocuments()) === 0,
  )
  return { doc, before: await databaseFingerprint() }
}

/** Undefined for a 4xx in the error envelope; otherwise what came back, for the failure list. */
function refusedInEnvelope(answer: {
  status: number
  body: { error?: { code?: unknown; requestId?: unknown } } | undefined
}): string | undefined {
  const enveloped =
    typeof answer.body?.error?.code === 'string' && typeof answer.body.error.requestId === 'string'
  if (answer.status >= 400 && answer.status < 500 && enveloped) return undefined
  return `${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`
}

describe('the bad-input sweep over every write route of the OpenAPI document', () => {
  it(
    'answers every malformed, hostile or oversized body with a 4xx in the error envelope and changes nothing',
    async () => {
      const { doc, before } = await documentAndFingerprint()
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
            const refused = refusedInEnvelope(answer)
            if (refused)
              failures.push(`${method.toUpperCase()} ${path} [${body.label}] -> ${refused}`)
          }
        }
      }
      expect(failures).toEqual([])
      expect(routes).toBeGreaterThan(30)
      expect(sent).toBeGreaterThan(500)
      expect(await databaseFingerprint()).toEqual(before)
    },
    SWEEP_TIMEOUT_MS,
  )
})

/** A multipart/form-data body from parts (a field, or a file when `filename` is given). */
function multipart(
  boundary: string,
  parts: { name: string; filename?: string; type?: string; data: string | Uint8Array }[],
  close = true,
): Uint8Array {
  const chunks: Uint8Array[] = []
  const text = (value: string) => chunks.push(new TextEncoder().encode(value))
  for (const part of parts) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`)
    if (part.filename) text(`; filename="${part.filename}"\r\nContent-Type: ${part.type}`)
    text('\r\n\r\n')
    if (typeof part.data === 'string') text(part.data)
    else chunks.push(part.data)
    text('\r\n')
  }
  if (close) text(`--${boundary}--\r\n`)
  return Buffer.concat(chunks)
}

/** Bad uploads: wrong content types, malformed or truncated multipart, no file, too big. */
function badUploads(): { label: string; raw: Uint8Array | string; contentType: string }[] {
  const b = 'sweepBoundary7MA4YWxk'
  const form = `multipart/form-data; boundary=${b}`
  const png = (size: number) => {
    const bytes = new Uint8Array(size)
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    return bytes
  }
  return [
    { label: 'JSON instead of multipart', raw: '{"image":"x"}', contentType: 'application/json' },
    { label: 'text/plain', raw: 'image', contentType: 'text/plain' },
    { label: 'image bytes without multipart', raw: png(1024), contentType: 'image/png' },
    { label: 'multipart without a boundary', raw: 'x', contentType: 'multipart/form-data' },
    { label: 'malformed multipart', raw: 'not a multipart body at all', contentType: form },
    { label: 'empty multipart', raw: '', contentType: form },
    {
      label: 'truncated multipart',
      raw: multipart(
        b,
        [{ name: 'image', filename: 'a.png', type: 'image/png', data: png(64) }],
        false,
      ),
      contentType: form,
    },
    { label: 'no file', raw: multipart(b, [{ name: 'note', data: 'hello' }]), contentType: form },
    {
      label: 'file in another field',
      raw: multipart(b, [{ name: 'file', filename: 'a.png', type: 'image/png', data: png(64) }]),
      contentType: form,
    },
    {
      label: 'two files',
      raw: multipart(b, [
        { name: 'image', filename: 'a.png', type: 'image/png', data: png(64) },
        { name: 'image', filename: 'b.png', type: 'image/png', data: png(64) },
      ]),
      contentType: form,
    },
    {
      label: 'not an image',
      raw: multipart(b, [
        { name: 'image', filename: 'a.png', type: 'image/png', data: 'MZ plain' },
      ]),
      contentType: form,
    },
    {
      label: 'oversized file',
      raw: multipart(b, [
        { name: 'image', filename: 'big.png', type: 'image/png', data: png(6 * 1024 * 1024) },
      ]),
      contentType: form,
    },
  ]
}

describe('the bad-input sweep over every upload route of the OpenAPI document', () => {
  it(
    'answers every wrong, malformed, empty or oversized upload with a 4xx in the error envelope and changes nothing',
    async () => {
      const { doc, before } = await documentAndFingerprint()
      const failures: string[] = []
      const routes: string[] = []
      for (const [path, operations] of Object.entries(doc.body.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!operation.requestBody?.content['multipart/form-data']) continue
          routes.push(`${method.toUpperCase()} ${path}`)
          // The seller's own product: the upload reaches the multipart reader, not a 404.
          const url = path.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) =>
            name === 'id' || name === 'productId' ? productId : '000000000000000000000000',
          )
          const token = tokenFor(operation)
          for (const upload of badUploads()) {
            const answer = await http.call<{ error?: { code?: unknown; requestId?: unknown } }>(
              method.toUpperCase(),
              url,
              {
                raw: { bytes: upload.raw, contentType: upload.contentType },
                ...(token ? { token } : {}),
              },
            )
            const refused = refusedInEnvelope(answer)
            if (refused)
              failures.push(`${method.toUpperCase()} ${path} [${upload.label}] -> ${refused}`)
          }
        }
      }
      expect(failures).toEqual([])
      expect(routes.length).toBeGreaterThanOrEqual(3)
      expect(await databaseFingerprint()).toEqual(before)
    },
    SWEEP_TIMEOUT_MS,
  )

  it('refuses the upload to the product’s own images route for the reason the body has', async () => {
    const path = `/api/v1/seller/products/${productId}/images`
    const statusOf = async (upload: { raw: Uint8Array | string; contentType: string }) =>
      (
        await http.call('POST', path, {
          raw: { bytes: upload.raw, contentType: upload.contentType },
          token: tokens.seller!,
        })
      ).status
    const uploads = Object.fromEntries(badUploads().map((u) => [u.label, u]))
    expect(await statusOf(uploads['JSON instead of multipart']!)).toBe(415)
    expect(await statusOf(uploads['malformed multipart']!)).toBe(400)
    expect(await statusOf(uploads['no file']!)).toBe(400)
    expect(await statusOf(uploads['oversized file']!)).toBe(413)
  })
})
