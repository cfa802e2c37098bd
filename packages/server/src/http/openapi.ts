import { z } from 'zod'
import { routeClassOf } from './rate-limits.js'
import type { RouteDef } from './route.js'

type JsonSchema = Record<string, unknown>

const toSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchema
  return rest
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
        requestId: { type: 'string' },
      },
    },
  },
}

const uploadBody = (upload: NonNullable<RouteDef['upload']>): JsonSchema => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: [upload.field],
        additionalProperties: false,
        properties: {
          [upload.field]: {
            type: 'string',
            contentMediaType: 'application/octet-stream',
            description: `One file of at most ${upload.maxBytes} bytes`,
          },
        },
      },
      encoding: { [upload.field]: { contentType: upload.accept.join(', ') } },
    },
  },
})

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests, so the two cannot drift apart.
 */
export function buildOpenApi(routes: RouteDef[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}')
    const parameters: JsonSchema[] = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (r.query) {
      const schema = toSchema(r.query)
      const required = new Set((schema.required as string[] | undefined) ?? [])
      for (const [name, prop] of Object.entries(
        (schema.properties ?? {}) as Record<string, JsonSchema>,
      )) {
        parameters.push({ name, in: 'query', required: required.has(name), schema: prop })
      }
    }
    if (r.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', minLength: 8, maxLength: 128 },
      })
    }
    const responses: Record<string, unknown> = {}
    for (const [status, description] of Object.entries(r.responses)) {
      const code = Number(status)
      responses[status] =
        code >= 400
          ? {
              description,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            }
          : { description }
    }
    const rateLimit = routeClassOf(r)
    if (rateLimit !== 'exempt') {
      responses['429'] ??= {
        description: `Over the ${rateLimit} rate limit (RATE_LIMIT_${rateLimit.toUpperCase()})`,
        headers: {
          'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
        },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }
    }
    paths[path] ??= {}
    paths[path][r.method.toLowerCase()] = {
      'x-rate-limit': rateLimit,
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(r.body) } },
            },
          }
        : {}),
      ...(r.upload ? { requestBody: uploadBody(r.upload) } : {}),
      ...(r.auth === 'public' ? { security: [] } : {}),
      ...(Array.isArray(r.auth) ? { 'x-roles': r.auth } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'KlosetStore API',
      version: info.version,
      description:
        'The REST API of KlosetStore, a multi-vendor fashion marketplace paid through Paystack.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: errorSchema },
    },
    paths,
  }
}
