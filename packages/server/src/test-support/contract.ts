import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats'
import type { Api } from '../api.js'
import { openApiPath } from '../http/openapi.js'
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
  private router: Router
  private validators = new Map<string, ValidateFunction>()
  private document: { paths: Record<string, Record<string, Operation>> }

  private constructor(api: Api, document: Record<string, unknown>) {
    this.router = new Router(api.routes)
    this.document = document as never
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components })
  }

  static async of(api: Api): Promise<ContractChecker> {
    const response = await api.fetch(new Request('http://localhost:8080/api/v1/openapi.json'))
    return new ContractChecker(api, (await response.json()) as Record<string, unknown>)
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
    const match = this.router.match(method, pathname)
    const route = typeof match === 'object' ? match.route : undefined
    const operation = route
      ? this.document.paths[openApiPath(route.path)]?.[method.toLowerCase()]
      : undefined
    if (route && !operation) throw new ContractViolation(`${where}: the route is not documented`)
    const declared = operation?.responses[String(status)]
    if (operation && !declared && status < 400) {
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
