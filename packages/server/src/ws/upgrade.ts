import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Core, ErrorCode, Principal } from '@kloset/core'
import proxyaddr from 'proxy-addr'
import type { WebSocket, WebSocketServer } from 'ws'
import type { GatewayLimits } from './gateway.options.js'
import { upgradeOverLimit } from './upgrade-limit.js'

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
}

/** Answers an upgrade request with an HTTP error and closes the connection. */
function refuse(
  socket: Duplex,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
) {
  if (socket.destroyed) return
  const body = JSON.stringify({ error: { code, message } })
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n${extra.join('')}` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

/** The bearer token of the `Sec-WebSocket-Protocol: bearer, <token>` pair, if offered. */
function subprotocolToken(request: IncomingMessage): string | undefined {
  const protocols = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
  return protocols[0] === 'bearer' ? protocols[1] : undefined
}

export interface UpgradeDeps {
  core: Core
  limits: GatewayLimits
  wss: WebSocketServer
  /** Open sockets of one user here (the connection cap). */
  connectionsOf(userId: string): number
  /** True once the gateway is closing: upgrades get 503. */
  closing(): boolean
  /** Takes over an upgraded socket. */
  accept(socket: WebSocket, principal: Principal, ip: string): void
}

/** The principal behind a ticket or a bearer subprotocol, or undefined when neither is offered. */
function authenticate(core: Core, request: IncomingMessage): Promise<Principal> | undefined {
  const ticket = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ticket')
  if (ticket) return core.realtime.redeemTicket(ticket)
  const token = subprotocolToken(request)
  return token ? core.accounts.authenticate(token) : undefined
}

/**
 * Upgrades on `/ws`, in order: IP blocks (403), then `upgrade` below. Other paths are dropped.
 */
export function handleUpgrades(server: Server, deps: UpgradeDeps): void {
  const hops = deps.limits.trustProxy
  const trusted =
    typeof hops === 'number' ? (_: string, i: number) => i < hops : proxyaddr.compile(hops)
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The HTTP server stops watching a socket once it is handed to us: a reset while we
    // authenticate would otherwise be an unhandled 'error' that kills the process.
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ws') {
      socket.destroy()
      return
    }
    if (deps.closing()) return refuse(socket, 503, 'shutting_down', 'The server is restarting')
    const ip = proxyaddr(request, trusted)
    const allow = () => upgrade(deps, { request, socket, head, ip })
    deps.core.ipBlocks
      .isBlocked(ip)
      .then(
        (blocked) =>
          blocked
            ? refuse(socket, 403, 'ip_blocked', 'Requests from this address are blocked')
            : allow(),
        allow,
      )
  })
}

/**
 * An upgrade from an address that is not blocked: allowed origins (403), credentials (a
 * single-use ticket or the bearer subprotocol; 401), the `ws` route class's upgrade budget (429)
 * and the sockets-per-user cap (429), then the socket is the gateway's.
 */
function upgrade(
  deps: UpgradeDeps,
  {
    request,
    socket,
    head,
    ip,
  }: { request: IncomingMessage; socket: Duplex; head: Buffer; ip: string },
) {
  const { core, limits } = deps
  const allowedOrigins = core.config.realtime?.allowedOrigins
  const origin = request.headers.origin
  if (allowedOrigins && origin !== undefined && !allowedOrigins.includes(origin))
    return refuse(socket, 403, 'origin_not_allowed', 'This origin may not open the WebSocket')
  const authenticating = authenticate(core, request)
  if (!authenticating)
    return refuse(socket, 401, 'unauthorized', 'A ticket or the bearer subprotocol is required')
  const tooMany = (headers: Record<string, string>) =>
    refuse(socket, 429, 'rate_limited', 'Too many WebSocket upgrades; retry later', headers)
  authenticating
    .then(
      async (principal) => {
        const over = await upgradeOverLimit(core, { ip, userId: principal.actor.id })
        if (deps.closing()) return refuse(socket, 503, 'shutting_down', 'The server is restarting')
        if (socket.destroyed) return
        if (over) return tooMany(over)
        if (deps.connectionsOf(principal.actor.id) >= limits.maxConnectionsPerUser)
          return refuse(socket, 429, 'too_many_connections', 'Too many open sockets')
        deps.wss.handleUpgrade(request, socket, head, (ws) => deps.accept(ws, principal, ip))
      },
      async () => {
        const over = await upgradeOverLimit(core, { ip })
        if (over) return tooMany(over)
        refuse(socket, 401, 'invalid_token', 'Invalid or expired credentials')
      },
    )
    .catch((error: unknown) => {
      core.logger.error({ err: error }, 'websocket upgrade failed')
      refuse(socket, 503, 'unavailable', 'Could not open the socket; try again')
    })
}
