import type { IncomingMessage, Server } from 'node:http'
import type { Core, Principal } from '@kloset/core'
import { type WebSocket, WebSocketServer } from 'ws'

const MAX_MESSAGE_BYTES = 64 * 1024
const HEARTBEAT_MS = 30_000

interface Client {
  socket: WebSocket
  principal: Principal
  channels: Set<string>
  alive: boolean
}

/** May this user listen on this channel? */
function allowed(principal: Principal, channel: string): boolean {
  if (channel === `user:${principal.actor.id}`) return true
  if (channel === 'admin') return principal.actor.role === 'admin'
  return false
}

function tokenOf(request: IncomingMessage): string | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const fromQuery = url.searchParams.get('access_token')
  if (fromQuery) return fromQuery
  // Browsers cannot set headers on a WebSocket: `new WebSocket(url, ['bearer', token])`.
  const protocols = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
  return protocols[0] === 'bearer' ? protocols[1] : undefined
}

/**
 * The WebSocket endpoint (`/ws`): authenticated on upgrade with the same access tokens as HTTP.
 * Clients subscribe to the channels they may see; core events reach them through the EventBus.
 * Heartbeats drop dead sockets and a size limit protects the server.
 */
export function attachGateway(server: Server, core: Core) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
  })
  const clients = new Set<Client>()

  server.on('upgrade', (request, socket, head) => {
    // The HTTP server stops watching a socket once it is handed to us: a reset while we
    // authenticate would otherwise be an unhandled 'error' that kills the process.
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ws') {
      socket.destroy()
      return
    }
    const token = tokenOf(request)
    const reject = () => {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      socket.destroy()
    }
    if (!token) return reject()
    core.accounts.authenticate(token).then(
      (principal) =>
        wss.handleUpgrade(request, socket, head, (ws) => {
          const client: Client = {
            socket: ws,
            principal,
            channels: new Set([`user:${principal.actor.id}`]),
            alive: true,
          }
          clients.add(client)
          // Oversized or malformed frames (RangeError: Max payload size exceeded, invalid UTF-8,
          // bad opcodes) arrive here after `ws` has already sent the close code (1009, 1002,
          // 1007) and is closing; without a listener the 'error' event would crash the process.
          ws.on('error', (error) => core.logger.debug({ err: error }, 'websocket error'))
          ws.on('pong', () => {
            client.alive = true
          })
          ws.on('close', () => clients.delete(client))
          ws.on('message', (data) => onMessage(client, data.toString()))
          ws.send(
            JSON.stringify({
              type: 'welcome',
              userId: principal.actor.id,
              channels: [...client.channels],
            }),
          )
        }),
      reject,
    )
  })

  function onMessage(client: Client, raw: string) {
    let message: { type?: unknown; channel?: unknown }
    try {
      message = JSON.parse(raw)
    } catch {
      client.socket.send(JSON.stringify({ type: 'error', code: 'invalid_json' }))
      return
    }
    if (message.type === 'ping') {
      client.socket.send(JSON.stringify({ type: 'pong' }))
    } else if (message.type === 'subscribe' && typeof message.channel === 'string') {
      if (!allowed(client.principal, message.channel)) {
        client.socket.send(
          JSON.stringify({ type: 'error', code: 'forbidden', channel: message.channel }),
        )
        return
      }
      client.channels.add(message.channel)
      client.socket.send(JSON.stringify({ type: 'subscribed', channel: message.channel }))
    } else if (message.type === 'unsubscribe' && typeof message.channel === 'string') {
      client.channels.delete(message.channel)
      client.socket.send(JSON.stringify({ type: 'unsubscribed', channel: message.channel }))
    } else {
      client.socket.send(JSON.stringify({ type: 'error', code: 'unknown_message' }))
    }
  }

  let sequence = 0
  /** Sends an event to every socket subscribed to the channel. */
  function publish(channel: string, event: string, data: unknown) {
    const frame = JSON.stringify({ type: 'event', channel, event, seq: ++sequence, data })
    for (const client of clients) if (client.channels.has(channel)) client.socket.send(frame)
  }

  const unsubscribe = [
    core.events.on('user.suspended', ({ userId, reason }) => {
      publish(`user:${userId}`, 'user.suspended', { reason })
      for (const client of clients)
        if (client.principal.actor.id === userId) client.socket.close(4001, 'suspended')
    }),
    core.events.on('user.signed_up', (payload) => publish('admin', 'user.signed_up', payload)),
  ]

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate()
        clients.delete(client)
        continue
      }
      client.alive = false
      client.socket.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  return {
    publish,
    get size() {
      return clients.size
    },
    close() {
      clearInterval(heartbeat)
      for (const off of unsubscribe) off()
      for (const client of clients) client.socket.close(1001, 'server shutting down')
      wss.close()
    },
  }
}
