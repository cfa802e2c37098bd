/**
 * Serves the KlosetStore API with `Deno.serve`: the same `createApi(core)` object Express serves
 * on Node, loaded from the BUILT packages (`@kloset/core` and `@kloset/server` resolve through
 * node_modules to their `dist`; Deno does not know our `kloset-source` condition). Used by
 * `src/deno.test.ts`; run by hand with
 *   KLOSET_DENO_MONGODB_URI=mongodb://127.0.0.1:<port>/ KLOSET_DENO_DB=<db> DATA_DIR=<dir> \
 *   JWT_SECRET=<32+ chars> node_modules/.bin/deno run -A packages/server/test/deno/serve.ts
 * It prints one JSON line `{"port":<n>}` on stdout once it listens.
 */
import { connectDatabase, createCore, loadConfig } from '@kloset/core'
import { createApi } from '@kloset/server'

// Just enough of the Deno namespace for this file: the root tsconfig typechecks it with Node's
// types, where `Deno` does not exist. Deno itself does not typecheck on `deno run`.
interface DenoServeInfo {
  remoteAddr: { hostname: string }
}
declare const Deno: {
  env: { get(name: string): string | undefined }
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void
  exit(code: number): never
  serve(
    options: {
      port: number
      hostname: string
      onListen(address: { port: number }): void
    },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
}

function required(name: string): string {
  const value = Deno.env.get(name)
  if (!value) throw new Error(`serve.ts needs ${name}`)
  return value
}

const engineUri = required('KLOSET_DENO_MONGODB_URI').replace(/\/?$/, '/')
const dbName = required('KLOSET_DENO_DB')
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: Deno.env.get('LOG_LEVEL') ?? 'warn',
  DATA_DIR: required('DATA_DIR'),
  JWT_SECRET: required('JWT_SECRET'),
  MONGODB_URI: `${engineUri}${dbName}`,
  SMTP_URL: Deno.env.get('SMTP_URL'),
})
// The engine is the shared FerretDB: the embedded pool size, as on Node (DESIGN.md §3).
const database = await connectDatabase(engineUri, dbName, { embedded: true })
const core = await createCore(config, { database })
const api = createApi(core)

const server = Deno.serve(
  {
    port: 0,
    hostname: '127.0.0.1',
    onListen({ port }) {
      console.log(JSON.stringify({ port }))
    },
  },
  (request, info) => api.fetch(request, { ip: info.remoteAddr.hostname }),
)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await server.shutdown()
  await core.close()
  await database.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGTERM', () => void stop())
Deno.addSignalListener('SIGINT', () => void stop())
