import { getRequestListener } from '@hono/node-server'
import express, { type Express } from 'express'
import helmet from 'helmet'
import type { Api } from '../api.js'

export interface HostOptions {
  /** Served at /media (local image storage). */
  mediaDir?: string
  /** Which proxies' X-Forwarded-For is believed (TRUST_PROXY); default: loopback only. */
  trustProxy?: number | string[]
}

/**
 * The Node host: Express does host things only (security headers, static media; the API's
 * pipeline refuses an oversized body itself, so the refusal is logged and counted)
 * and hands every other request to the web-standard API through a fetch bridge.
 */
export function createHttpApp(api: Api, options: HostOptions = {}): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? 'loopback')
  app.use(helmet())
  if (options.mediaDir) {
    app.use(
      '/media',
      express.static(options.mediaDir, { fallthrough: false, index: false, dotfiles: 'deny' }),
    )
  }
  const bridge = getRequestListener((request, env) =>
    api.fetch(request, {
      ip: (env.incoming as { ip?: string }).ip ?? env.incoming.socket.remoteAddress,
    }),
  )
  app.use((req, res) => {
    void bridge(req, res)
  })
  return app
}
