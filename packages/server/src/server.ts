import { createServer, type Server } from 'node:http'
import type { Core } from '@kloset/core'
import { type Api, createApi } from './api.js'
import { createHttpApp, type HostOptions } from './host/express.js'
import { attachGateway, type Gateway, type GatewayOptions } from './ws/gateway.js'

export interface RunningServer {
  server: Server
  api: Api
  gateway: Gateway
  url: string
  /**
   * Stops gracefully: readiness turns false, new connections and WebSocket upgrades are refused,
   * open sockets get 1012, requests in flight finish; whatever is still open after `graceMs`
   * (default SHUTDOWN_GRACE_MS) is cut.
   */
  close(graceMs?: number): Promise<void>
}

/** How long requests in flight may take to finish once the server is stopping. */
export const SHUTDOWN_GRACE_MS = 8_000

/** Serves the API and the WebSocket gateway on one port. */
export async function startServer(
  core: Core,
  options: HostOptions & {
    port: number
    host?: string
    gateway?: GatewayOptions
    /** The largest body a request may declare (default 12 MiB; routes cap their own lower). */
    maxRequestBytes?: number
  },
): Promise<RunningServer> {
  const api = createApi(core, { maxRequestBytes: options.maxRequestBytes })
  const server = createServer(
    createHttpApp(api, { trustProxy: core.config.trustProxy, ...options }),
  )
  server.keepAliveTimeout = 65_000
  const gateway = attachGateway(server, core, {
    trustProxy: options.trustProxy ?? core.config.trustProxy,
    ...options.gateway,
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port, options.host ?? '0.0.0.0', () => done())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  return {
    server,
    api,
    gateway,
    url: `http://localhost:${port}`,
    async close(graceMs = SHUTDOWN_GRACE_MS) {
      core.health.startDraining()
      gateway.close()
      const closed = new Promise<void>((done) => server.close(() => done()))
      // Keep-alive connections between requests hold close() open: close each as it goes idle.
      server.closeIdleConnections()
      const idle = setInterval(() => server.closeIdleConnections(), 50)
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<void>((done) => (timer = setTimeout(done, graceMs)))
      await Promise.race([closed, late])
      clearInterval(idle)
      clearTimeout(timer)
      server.closeAllConnections()
      await closed
    },
  }
}
