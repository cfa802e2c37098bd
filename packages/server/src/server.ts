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
  close(): Promise<void>
}

/** Serves the API and the WebSocket gateway on one port. */
export async function startServer(
  core: Core,
  options: HostOptions & { port: number; host?: string; gateway?: GatewayOptions },
): Promise<RunningServer> {
  const api = createApi(core)
  const server = createServer(createHttpApp(api, options))
  server.keepAliveTimeout = 65_000
  const gateway = attachGateway(server, core, options.gateway)
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
    async close() {
      gateway.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
