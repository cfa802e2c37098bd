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

/** The one error envelope of every 4xx and 5xx answer (respond.ts `errorBody`). */
export const errorEnvelope = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ example: 'not_found' }),
      message: z.string().meta({ example: 'No such order' }),
      details: z.unknown().optional(),
      requestId: z.string().meta({ example: 'req_3f9a1c7e' }),
    }),
  })
  .meta({ id: 'Error' })

const isSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType

/**
 * The statuses of a route that answer with a body of their own, each with its zod schema: the
 * 2xx statuses (but 204), and any other status the route gives a schema by number (`/readyz`'s
 * 503). The other error statuses answer with the error envelope.
 */
export function bodySchemas(r: RouteDef): Map<number, z.ZodType> {
  const out = new Map<number, z.ZodType>()
  for (const status of Object.keys(r.responses).map(Number)) {
    const schema = isSchema(r.response) ? r.response : r.response?.[status]
    const success = status >= 200 && status <= 299 && status !== 204
    if (schema && (success || !isSchema(r.response))) out.set(status, schema)
  }
  return out
}

/**
 * Converts a response schema, moving the named schemas it uses (`.meta({ id })`) into
 * `components`, so the document names each DTO once.
 */
function responseSchema(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const converted = JSON.parse(
    JSON.stringify(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })).replaceAll(
      '"#/$defs/',
      '"#/components/schemas/',
    ),
  ) as JsonSchema
  const { $schema: _ignored, $defs, ...rest } = converted
  Object.assign(components, $defs as Record<string, JsonSchema> | undefined)
  return rest
}

/**
 * An example built from a JSON schema: a property's own `example` when it has one, else the
 * first enum value, else a placeholder of its type. Optional properties are left out.
 */
export function exampleOf(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  depth = 0,
): unknown {
  if (depth > 12) return null
  if ('example' in schema) return schema.example
  if (typeof schema.$ref === 'string') {
    const target = components[schema.$ref.replace('#/components/schemas/', '')] ?? {}
    return exampleOf(target, components, depth + 1)
  }
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const choices = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (choices) {
    const first = choices.find((c) => c.type !== 'null') ?? choices[0]!
    return exampleOf(first, components, depth + 1)
  }
  switch (schema.type) {
    case 'object': {
      const required = new Set((schema.required as string[] | undefined) ?? [])
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
      return Object.fromEntries(
        Object.entries(properties)
          .filter(([name]) => required.has(name))
          .map(([name, prop]) => [name, exampleOf(prop, components, depth + 1)]),
      )
    }
    case 'array':
      return [exampleOf((schema.items ?? {}) as JsonSchema, components, depth + 1)]
    case 'string':
      return schema.format === 'date-time' ? '2026-12-01T09:00:00.000Z' : 'string'
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0
    case 'boolean':
      return true
    default:
      return null
  }
}

/** The success body's other media types (a route's `alsoAnswers`), with schema and example. */
function otherMedia(r: RouteDef, components: Record<string, JsonSchema>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(r.alsoAnswers ?? {}).map(([type, body]) => {
      const schema = responseSchema(body, components)
      return [type, { schema, example: exampleOf(schema, components) }]
    }),
  )
}

/** A route path as the OpenAPI document writes it: `/orders/:id` becomes `/orders/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}')

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
 * The errors the edge itself answers for a route (api.ts, before and around its handler), so
 * the document lists them even where the route's own row does not. The contract checker
 * (test-support/contract.ts) refuses any of these statuses a route has not declared.
 */
export function edgeResponses(r: RouteDef): Record<number, string> {
  const body = r.body !== undefined || r.upload !== undefined
  const bodyErrors: Record<number, string> = body
    ? { 413: 'The body is over its size limit', 415: 'The body has the wrong type' }
    : {}
  return {
    400: 'Invalid input (error.details names the fields), or an unknown query parameter',
    // A token that is sent is checked even on a public route: a stale one is refused.
    401:
      r.auth === 'public'
        ? 'A bearer token was sent and is invalid or expired (this route needs none)'
        : 'Authentication required: no token, or an invalid, expired or revoked one',
    403:
      r.auth === 'public' || r.auth === 'user'
        ? 'The address is blocked by an administrator (ip_blocked)'
        : `Only for ${r.auth.join(', ')}; or the address is blocked (ip_blocked)`,
    ...bodyErrors,
    503: 'The database or Redis is unavailable for the moment (Retry-After)',
  }
}

/** The statuses `edgeResponses` may name: an answer with one of them must be declared. */
export const EDGE_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 413, 415, 429, 503])

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests, so the two cannot drift apart.
 */
export function buildOpenApi(routes: RouteDef[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {}
  const components: Record<string, JsonSchema> = {}
  const error = responseSchema(errorEnvelope, components)
  const errorContent: ErrorContent = {
    'application/json': { schema: error, example: exampleOf(error, components) },
  }
  for (const r of routes) {
    const path = openApiPath(r.path)
    paths[path] ??= {}
    paths[path][r.method.toLowerCase()] = operationOf(r, path, components, errorContent)
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
      schemas: components,
    },
    paths,
  }
}

/** The error envelope as every error response carries it. */
type ErrorContent = { 'application/json': { schema: JsonSchema; example: unknown } }

/** One route's operation: its parameters, request body, roles and responses. */
function operationOf(
  r: RouteDef,
  path: string,
  components: Record<string, JsonSchema>,
  errorContent: ErrorContent,
): Record<string, unknown> {
  const parameters = parametersOf(r)
  const rateLimit = routeClassOf(r)
  return {
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
    responses: responsesOf(r, rateLimit, components, errorContent),
  }
}

/** The path's parameters, the query's (from its zod schema), and `Idempotency-Key`. */
function parametersOf(r: RouteDef): JsonSchema[] {
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
  return parameters
}

/**
 * The route's own responses (with their bodies and examples), then the edge's errors it does
 * not declare, the default error, and 429 for a rate-limited class.
 */
function responsesOf(
  r: RouteDef,
  rateLimit: ReturnType<typeof routeClassOf>,
  components: Record<string, JsonSchema>,
  errorContent: ErrorContent,
): Record<string, unknown> {
  const responses: Record<string, unknown> = {}
  const bodies = bodySchemas(r)
  for (const [status, description] of Object.entries(r.responses)) {
    const code = Number(status)
    const body = bodies.get(code)
    const schema = body ? responseSchema(body, components) : undefined
    responses[status] =
      code >= 400 && !schema
        ? { description, content: errorContent }
        : schema
          ? {
              description,
              content: {
                'application/json': { schema, example: exampleOf(schema, components) },
                ...(code < 300 ? otherMedia(r, components) : {}),
              },
            }
          : { description }
  }
  for (const [status, description] of Object.entries(edgeResponses(r))) {
    responses[status] ??= { description, content: errorContent }
  }
  responses.default = {
    description: 'Any other error, in the one error envelope (docs/api.md, "Errors")',
    content: errorContent,
  }
  if (rateLimit !== 'exempt') {
    responses['429'] ??= {
      description: `Over the ${rateLimit} rate limit (RATE_LIMIT_${rateLimit.toUpperCase()})`,
      headers: {
        'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
      },
      content: errorContent,
    }
  }
  return responses
}
