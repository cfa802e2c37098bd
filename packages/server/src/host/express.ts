import { getRequestListener } from '@hono/node-server'
import express, { type Express } from 'express'
import helmet from 'helmet'
import type { Api } from '../api.js'
import { errorBody } from '../http/respond.js'

export interface HostOptions {
  /** Served at /media (local image storage). */
  mediaDir?: string
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number
  /** Which proxies' X-Forwarded-For is believed (TRUST_PROXY); default: loopback only. */
  trustProxy?: number | string[]
}

/**
 * The Node host: Express does host things only (security headers, body size limit, static media)
 * and hands every other request to the web-standard API through a fetch bridge.
 */
export function createHttpApp(api: Api, options: HostOptions = {}): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? 'loopback')
  app.use(helmet())
  const maxBody = options.maxBodyBytes ?? 12 * 1024 * 1024
  app.use((req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0)
    if (length > maxBody) {
      res
        .status(413)
        .json(errorBody('payload_too_large', `Body larger than ${maxBody} bytes`, 'host'))
      return
    }
    next()
  })
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
