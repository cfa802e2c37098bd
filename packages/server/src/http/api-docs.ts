import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { NotFoundError } from '@kloset/core'
import type { RouteDef } from './route.js'

/**
 * The API reference page at `/api/v1/docs`: Swagger UI from the `swagger-ui-dist` package
 * (no dependencies of its own), served from node_modules, never from a CDN. The page has no
 * inline script, so helmet's default Content-Security-Policy (`script-src 'self'`) holds.
 */
export const DOCS_PATH = '/api/v1/docs'

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KlosetStore API reference</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<noscript>The reference needs JavaScript; the document itself is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
<main id="reference"></main>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`

const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
})
`

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

const cache = new Map<string, Promise<Uint8Array>>()

/** A file of swagger-ui-dist, read once. */
function asset(name: string): Promise<Uint8Array> {
  let bytes = cache.get(name)
  if (!bytes) {
    const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
    bytes = readFile(join(dir, name))
    cache.set(name, bytes)
  }
  return bytes
}

const text = (body: string | Uint8Array, contentType: string, cacheControl: string) =>
  new Response(body as BodyInit, {
    status: 200,
    headers: { 'content-type': contentType, 'cache-control': cacheControl },
  })

/** The page and its files; outside the OpenAPI document (they are not JSON API routes). */
export const apiDocsRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: DOCS_PATH,
    auth: 'public',
    tag: 'System',
    summary: 'The API reference page (HTML)',
    responses: { 200: 'HTML' },
    handler: async () => text(PAGE, 'text/html; charset=utf-8', 'public, max-age=300'),
  },
  {
    method: 'GET',
    path: `${DOCS_PATH}/:file`,
    auth: 'public',
    tag: 'System',
    summary: 'A file of the reference page',
    responses: { 200: 'CSS or JavaScript', 404: 'No such file' },
    handler: async (_req, { params }) => {
      const file = params.file!
      if (file === 'init.js') return text(INIT, ASSETS['swagger-ui-bundle.js']!, 'no-cache')
      const type = ASSETS[file]
      if (!type) throw new NotFoundError('File of the API reference page')
      return text(await asset(file), type, 'public, max-age=86400')
    },
  },
]
