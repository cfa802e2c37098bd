import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats'
import type { Api } from '../api.js'
import { EDGE_STATUSES, openApiPath } from '../http/openapi.js'
import { Router } from '../http/router.js'

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin

/** An ajv for OpenAPI 3.1 schemas: JSON Schema 2020-12, formats checked, `example` allowed. */
export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  return ajv
}

const DOCUMENT_ID = 'kloset-openapi'

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

/** One response that does not match the OpenAPI document. */
export class ContractViolation extends Error {
  override name = 'ContractViolation'
}

/**
 * Checks answers against the OpenAPI document the API itself serves at `/api/v1/openapi.json`:
 * the status must be declared (errors may fall to `default`), and the body must validate against
 * that status's schema (ajv, JSON Schema 2020-12, formats included).
 */
export class ContractChecker {
  private ajv = newAjv()
  private validators = new Map<string, ValidateFunction>()
  private document: { paths: Record<string, Record<string, Operation>> }

  /** `routeOf` names the document path of the route answering `method` on a path, if any. */
  private constructor(
    document: Record<string, unknown>,
    private routeOf: (method: string, pathname: string) => string | undefined,
  ) {
    this.document = document as never
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components })
  }

  /** The checker of an in-process API: its route table finds routes the document forgot. */
  static async of(api: Api): Promise<ContractChecker> {
    const response = await api.fetch(new Request('http://localhost:8080/api/v1/openapi.json'))
    const router = new Router(api.routes)
    return new ContractChecker((await response.json()) as Record<string, unknown>, (m, p) => {
      const match = router.match(m, p)
      return typeof match === 'object' ? openApiPath(match.route.path) : undefined
    })
  }

  /**
   * The checker of a server reached over the network (another process, a replayed image): the
   * document it serves is the only route table there is.
   */
  static async served(origin: string): Promise<ContractChecker> {
    const response = await fetch(`${origin}/api/v1/openapi.json`)
    if (response.status !== 200) {
      throw new Error(`${origin} served its OpenAPI document with status ${response.status}`)
    }
    const document = (await response.json()) as { paths: Record<string, object> }
    return new ContractChecker(document, documentRoutes(document.paths))
  }

  /**
   * `contentType` is the answer's `Content-Type`: a body that is not JSON (the revenue report's
   * CSV) is held to the schema of its own media type, which the document must declare.
   * @throws ContractViolation when the answer breaks the document.
   */
  check(method: string, path: string, status: number, body: unknown, contentType?: string): void {
    // Preflights belong to the CORS layer (cors.ts), not to any operation of the document.
    if (method === 'OPTIONS') return
    const pathname = new URL(path, 'http://localhost').pathname
    const where = `${method} ${pathname} -> ${status}`
    const route = this.routeOf(method, pathname)
    const operation = route ? this.document.paths[route]?.[method.toLowerCase()] : undefined
    if (route && !operation) throw new ContractViolation(`${where}: the route is not documented`)
    const declared = operation?.responses[String(status)]
    // Errors of the route's own verbs may fall to `default`; the edge's own (auth, roles,
    // rate limits, body limits, an outage) must be declared (openapi.ts, edgeResponses).
    if (operation && !declared && (status < 400 || EDGE_STATUSES.has(status))) {
      throw new ContractViolation(`${where}: status ${status} is not declared`)
    }
    const type = contentType?.split(';')[0]?.trim().toLowerCase()
    const media = !type || type === 'application/json' ? 'application/json' : type
    const schema = (declared ?? operation?.responses.default)?.content?.[media]?.schema
    if (status === 204 || status === 304) {
      if (body !== undefined) throw new ContractViolation(`${where}: a body where none is allowed`)
      return
    }
    if (!route) {
      // Outside the route table (the document itself, the reference page): JSON errors still
      // use the envelope. The HTML pages the links land on (pages/) answer their errors as
      // pages, for people, not as API bodies.
      if (status >= 400 && media === 'application/json')
        this.validate(where, { $ref: '#/components/schemas/Error' }, body)
      return
    }
    if (!schema) {
      const what = media === 'application/json' ? '' : ` for ${media}`
      throw new ContractViolation(`${where}: no response schema declared${what}`)
    }
    this.validate(where, schema, body)
  }

  private validate(where: string, schema: unknown, body: unknown): void {
    // Keyed by the schema itself: routes sharing a body (and every error) compile it once.
    const rooted = JSON.stringify(schema).replaceAll(
      '"#/components/',
      `"${DOCUMENT_ID}#/components/`,
    )
    let validate = this.validators.get(rooted)
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(rooted))
      this.validators.set(rooted, validate)
    }
    if (!validate(body)) {
      throw new ContractViolation(
        `${where}: the body does not match the document: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}\n${String(JSON.stringify(body)).slice(0, 2000)}`,
      )
    }
  }
}

/**
 * Finds the document path that `method` on a path lands on, the way the router does: static
 * segments win over `{params}` at the same position.
 */
function documentRoutes(paths: Record<string, object>) {
  const templates = Object.keys(paths)
    .map((path) => ({ path, segments: path.split('/') }))
    .sort((a, b) => statics(b.segments) - statics(a.segments))
  return (method: string, pathname: string): string | undefined => {
    const parts = (pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname).split('/')
    return templates.find(
      ({ path, segments }) =>
        method.toLowerCase() in (paths[path] as object) &&
        segments.length === parts.length &&
        segments.every((s, i) => (isParam(s) ? parts[i] !== '' : s === parts[i])),
    )?.path
  }
}

const isParam = (segment: string) => segment.startsWith('{')
const statics = (segments: string[]) => segments.filter((s) => !isParam(s)).length
