import type { Server } from 'node:http'
import { type Core, onRealtimeEvents, type Principal } from '@kloset/core'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { Channels } from './channels.js'
import { type Client, ClientRegistry } from './clients.js'
import { Commands, repliesOf } from './commands.js'
import { expirySweep } from './expiry.js'
import { FanOut } from './fan-out.js'
import {
  CLOSE,
  type GatewayLimits,
  type GatewayOptions,
  gatewayLimits,
  PROTOCOL_VERSION,
} from './gateway.options.js'
import { MessageLimits, startHeartbeat } from './limits.js'
import { Subscriptions } from './subscriptions.js'
import { handleUpgrades } from './upgrade.js'

export { CLOSE, type GatewayOptions, PROTOCOL_VERSION } from './gateway.options.js'

interface SocketDeps {
  core: Core
  registry: ClientRegistry
  channels: Channels<Client>
  fanOut: FanOut
  commands: Commands
  messageLimits: MessageLimits
  expiry: ReturnType<typeof expirySweep<Client>>
}

/**
 * An upgraded socket's life: registered with its budgets, joined to its user's channel and
 * welcomed; its frames rate-limited and handed to the commands; forgotten on close. The
 * listeners are shared by every socket (`this` is the socket).
 */
function socketLifecycle(deps: SocketDeps) {
  const { core, registry, channels } = deps
  // Oversized or malformed frames (RangeError: Max payload size exceeded, invalid UTF-8,
  // bad opcodes) arrive at 'error' after `ws` has already sent the close code (1009, 1002,
  // 1007) and is closing; without a listener the 'error' event would crash the process.
  function onSocketError(error: Error) {
    core.logger.debug({ err: error }, 'websocket error')
  }
  function onPong(this: WebSocket) {
    const client = registry.bySocket.get(this)
    if (client) client.missedPongs = 0
  }
  function onClose(this: WebSocket) {
    const client = registry.remove(this)
    if (client) channels.leaveAll(client)
  }
  function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    const client = registry.bySocket.get(this)
    if (!client || this.readyState !== this.OPEN) return
    if (deps.messageLimits.admit(client)) void deps.commands.handle(client, data, isBinary)
  }

  return function accept(socket: WebSocket, principal: Principal, ip: string) {
    const userId = principal.actor.id
    // The socket lives as long as the credential it was opened with (server clock, which
    // issued it), counted from now on this process's clock.
    const lifetime = principal.expiresAt.getTime() - core.clock.now().getTime()
    const client: Client = {
      socket,
      actor: principal.actor,
      expiresAt: Date.now() + Math.max(lifetime, 0),
      channels: new Map(),
      missedPongs: 0,
      ...deps.messageLimits.budgetsFor(userId),
      ip,
    }
    registry.add(client)
    socket.on('error', onSocketError)
    socket.on('pong', onPong)
    socket.on('close', onClose)
    socket.on('message', onSocketMessage)
    deps.expiry.add(client.expiresAt)
    const own = `user:${userId}`
    channels.join(client, own)
    deps.fanOut.send(client, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      userId,
      channels: [own],
      expiresAt: principal.expiresAt.toISOString(),
    })
  }
}

/** The domain events pushed on channels, and the sockets closed when a session ends. */
function listenToEvents(core: Core, fanOut: FanOut, registry: ClientRegistry): (() => void)[] {
  return [
    onRealtimeEvents(core.events, ({ channel, event, data }) =>
      fanOut.publish(channel, event, data),
    ),
    // After the routed publication (registered first), so the user still sees why.
    core.events.on('user.suspended', ({ userId }) =>
      registry.closeSocketsOf(userId, CLOSE.suspended, 'suspended'),
    ),
    core.events.on('user.password_reset', ({ userId }) =>
      registry.closeSocketsOf(userId, CLOSE.signedOut, 'signed out'),
    ),
  ]
}

/** The `ws` server the upgrades are handed to (it listens on no port of its own). */
function socketServer(maxPayloadBytes: number): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: maxPayloadBytes,
    // Off: small JSON frames gain little, and zlib per socket costs memory (the ws README).
    // The fan-out's direct writes rely on it (fan-out.ts).
    perMessageDeflate: false,
    // The gateway keeps its own map of clients.
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
  })
}

/**
 * The WebSocket endpoint (`/ws`), protocol version 1 (docs/realtime.md). Clients authenticate on
 * upgrade with a single-use ticket or the `bearer` subprotocol (`upgrade.ts`), subscribe to
 * channels core allows them (`subscriptions.ts`, `commands.ts`), and receive the domain events
 * routed to those channels (`fan-out.ts`), each with a per-channel `seq` and `epoch` so a
 * reconnecting client recovers what it missed. Size, rate, subscription, buffer and connection
 * limits and a heartbeat protect the server (`limits.ts`).
 */
export function attachGateway(server: Server, core: Core, options: GatewayOptions = {}) {
  const limits: GatewayLimits = gatewayLimits(core, options)
  const wss = socketServer(limits.maxPayloadBytes)
  const registry = new ClientRegistry(core)
  const channels = new Channels<Client>(limits)
  const fanOut = new FanOut(core, channels, limits.maxBufferedBytes)
  const replies = repliesOf(fanOut)
  const subscriptions = new Subscriptions(core, channels, replies, limits.maxSubscriptions)
  const commands = new Commands(core, replies, subscriptions)
  const messageLimits = new MessageLimits(core, limits)
  const expiry = expirySweep(registry.bySocket, (client) =>
    client.socket.close(CLOSE.tokenExpired, 'token expired'),
  )
  const accept = socketLifecycle({
    core,
    registry,
    channels,
    fanOut,
    commands,
    messageLimits,
    expiry,
  })
  let closing = false
  handleUpgrades(server, {
    core,
    limits,
    wss,
    accept,
    connectionsOf: registry.connectionsOf,
    closing: () => closing,
  })
  const unsubscribe = listenToEvents(core, fanOut, registry)
  const stopHeartbeat = startHeartbeat(registry, messageLimits, limits.heartbeatMs)

  return {
    publish: (channel: string, event: string, data: unknown) =>
      fanOut.publish(channel, event, data),
    get size() {
      return registry.size
    },
    /** Open sockets of one user. */
    connectionsOf: registry.connectionsOf,
    /**
     * Refuses new upgrades (503) and asks every open socket to reconnect (1012), so clients
     * move to another instance or come back after the restart.
     */
    close() {
      if (closing) return
      closing = true
      stopHeartbeat()
      expiry.stop()
      for (const off of unsubscribe) off()
      for (const client of registry.bySocket.values())
        client.socket.close(CLOSE.serviceRestart, 'service restart')
      wss.close()
    },
  }
}

export type Gateway = ReturnType<typeof attachGateway>
