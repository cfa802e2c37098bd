import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  type Core,
  type Ctx,
  type ErrorCode,
  isAppError,
  MessageBudget,
  makeCtx,
  onRealtimeEvents,
  type Principal,
  type RealtimeCommand,
  realtimeCommand,
  realtimeCommandId,
} from '@kloset/core'
import proxyaddr from 'proxy-addr'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { Channels } from './channels.js'
import { expirySweep } from './expiry.js'
import { upgradeOverLimit } from './upgrade-limit.js'

/** The protocol version the welcome frame announces (docs/realtime.md). */
export const PROTOCOL_VERSION = 1

/** Close codes the gateway sends (docs/realtime.md lists them with what a client should do). */
export const CLOSE = {
  /** Policy violation: the socket sent messages faster than its rate allows. */
  rateLimited: 1008,
  /** A frame over the size limit (sent by `ws` itself). */
  tooBig: 1009,
  /** The server is restarting or shutting down: reconnect (with a backoff) and resubscribe. */
  serviceRestart: 1012,
  /** The account was suspended. Do not reconnect. */
  suspended: 4001,
  /** The access token (or the one the ticket was issued for) expired: get a new one, reconnect. */
  tokenExpired: 4002,
  /** The password was reset: every session of the account ended. Sign in again. */
  signedOut: 4003,
} as const

export interface GatewayOptions {
  /** How often every socket is pinged; a socket that misses two pongs is terminated. */
  heartbeatMs?: number
  /** The largest frame a client may send (close 1009 beyond). */
  maxPayloadBytes?: number
  /**
   * Sustained messages per second a socket may send, and the burst above it (close 1008); both
   * unset: RATE_LIMIT_WS_MESSAGES per RATE_LIMIT_WS_MESSAGE_SECONDS. For benches.
   */
  messagesPerSecond?: number
  messageBurst?: number
  /** Channels one socket may be subscribed to at once. */
  maxSubscriptions?: number
  /** A socket whose unsent bytes pass this is a slow consumer and is terminated. */
  maxBufferedBytes?: number
  /** Open sockets per user; the next upgrade gets HTTP 429. */
  maxConnectionsPerUser?: number
  /** Publications kept per channel for recovery, and channels kept with a history. */
  historySize?: number
  maxChannels?: number
  /** Which proxies' X-Forwarded-For gives the client address for IP blocks (TRUST_PROXY). */
  trustProxy?: number | string[]
}

const defaults: Required<Omit<GatewayOptions, 'messagesPerSecond' | 'messageBurst'>> = {
  heartbeatMs: 30_000,
  maxPayloadBytes: 64 * 1024,
  maxSubscriptions: 50,
  maxBufferedBytes: 1024 * 1024,
  maxConnectionsPerUser: 10,
  historySize: 100,
  maxChannels: 10_000,
  trustProxy: ['loopback'],
}

/**
 * One open socket. Kept small (1,000 idle sockets are measured against bare `ws` ones,
 * docs/benchmarks.md): the actor rather than the whole principal, no timer or closure of its own
 * (the socket's listeners and the expiry sweep are shared by all sockets).
 */
interface Client {
  socket: WebSocket
  actor: Principal['actor']
  /** When the credential it was opened with expires, in this process's `Date.now()` time. */
  expiresAt: number
  /** The channels it is subscribed to, each with the channel's `seq` when it joined. */
  channels: Map<string, number>
  missedPongs: number
  /** The message rate limit (RATE_LIMIT_WS_MESSAGES; close 1008 beyond). */
  budget: MessageBudget
  /** The client address believed (TRUST_PROXY), for automatic blocks. */
  ip: string
}

/** `send` options for a frame serialised once to a Buffer and sent as text to every socket. */
const TEXT = { binary: false } as const

type Command = RealtimeCommand

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

/**
 * The WebSocket endpoint (`/ws`), protocol version 1 (docs/realtime.md). Clients authenticate on
 * upgrade with a single-use ticket or the `bearer` subprotocol, subscribe to channels core allows
 * them, and receive the domain events routed to those channels, each with a per-channel `seq`
 * and `epoch` so a reconnecting client recovers what it missed. Size, rate, subscription,
 * buffer and connection limits and a heartbeat protect the server.
 */
export function attachGateway(server: Server, core: Core, options: GatewayOptions = {}) {
  const limits = { ...defaults, ...options }
  const { messagesPerSecond, messageBurst } = options
  const messageRate =
    messagesPerSecond && messageBurst
      ? { wsMessages: messageBurst, wsMessageSeconds: messageBurst / messagesPerSecond }
      : core.config.rateLimits
  const hops = limits.trustProxy
  const trusted =
    typeof hops === 'number' ? (_: string, i: number) => i < hops : proxyaddr.compile(hops)
  const allowedOrigins = core.config.realtime?.allowedOrigins
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    // Off: small JSON frames gain little, and zlib per socket costs memory (the ws README).
    perMessageDeflate: false,
    // The gateway keeps its own map of clients.
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
  })
  const clients = new Map<WebSocket, Client>()
  /** Open sockets per user here, for the connection cap and presence. */
  const perUser = new Map<string, number>()
  const channels = new Channels<Client>(limits)
  const expiry = expirySweep(clients, (client) =>
    client.socket.close(CLOSE.tokenExpired, 'token expired'),
  )
  let closing = false

  const connectionsOf = (userId: string) => perUser.get(userId) ?? 0

  function authenticate(request: IncomingMessage): Promise<Principal> | undefined {
    const ticket = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ticket')
    if (ticket) return core.realtime.redeemTicket(ticket)
    const token = subprotocolToken(request)
    return token ? core.accounts.authenticate(token) : undefined
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The HTTP server stops watching a socket once it is handed to us: a reset while we
    // authenticate would otherwise be an unhandled 'error' that kills the process.
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ws') {
      socket.destroy()
      return
    }
    if (closing) return refuse(socket, 503, 'shutting_down', 'The server is restarting')
    const ip = proxyaddr(request, trusted)
    const allow = () => upgrade(request, socket, head, ip)
    core.ipBlocks
      .isBlocked(ip)
      .then(
        (blocked) =>
          blocked
            ? refuse(socket, 403, 'ip_blocked', 'Requests from this address are blocked')
            : allow(),
        allow,
      )
  })

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, ip: string) {
    const origin = request.headers.origin
    if (allowedOrigins && origin !== undefined && !allowedOrigins.includes(origin))
      return refuse(socket, 403, 'origin_not_allowed', 'This origin may not open the WebSocket')
    const authenticating = authenticate(request)
    if (!authenticating)
      return refuse(socket, 401, 'unauthorized', 'A ticket or the bearer subprotocol is required')
    const tooMany = (headers: Record<string, string>) =>
      refuse(socket, 429, 'rate_limited', 'Too many WebSocket upgrades; retry later', headers)
    authenticating
      .then(
        async (principal) => {
          const over = await upgradeOverLimit(core, { ip, userId: principal.actor.id })
          if (closing) return refuse(socket, 503, 'shutting_down', 'The server is restarting')
          if (socket.destroyed) return
          if (over) return tooMany(over)
          if (connectionsOf(principal.actor.id) >= limits.maxConnectionsPerUser)
            return refuse(socket, 429, 'too_many_connections', 'Too many open sockets')
          wss.handleUpgrade(request, socket, head, (ws) => accept(ws, principal, ip))
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

  function accept(socket: WebSocket, principal: Principal, ip: string) {
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
      budget: new MessageBudget(messageRate),
      ip,
    }
    clients.set(socket, client)
    const count = connectionsOf(userId) + 1
    perUser.set(userId, count)
    socket.on('error', onSocketError)
    socket.on('pong', onPong)
    socket.on('close', onClose)
    socket.on('message', onSocketMessage)
    expiry.add(client.expiresAt)
    // Marked on the user's first socket here; the heartbeat keeps the mark fresh.
    if (count === 1) void presence('mark', userId)
    const own = `user:${userId}`
    channels.join(client, own)
    send(client, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      userId,
      channels: [own],
      expiresAt: principal.expiresAt.toISOString(),
    })
  }

  // The socket's listeners, shared by every socket (`this` is the socket).
  // Oversized or malformed frames (RangeError: Max payload size exceeded, invalid UTF-8,
  // bad opcodes) arrive at 'error' after `ws` has already sent the close code (1009, 1002,
  // 1007) and is closing; without a listener the 'error' event would crash the process.
  function onSocketError(error: Error) {
    core.logger.debug({ err: error }, 'websocket error')
  }
  function onPong(this: WebSocket) {
    const client = clients.get(this)
    if (client) client.missedPongs = 0
  }
  function onClose(this: WebSocket) {
    const client = clients.get(this)
    if (!client) return
    clients.delete(this)
    channels.leaveAll(client)
    const userId = client.actor.id
    const left = connectionsOf(userId) - 1
    if (left > 0) return void perUser.set(userId, left)
    perUser.delete(userId)
    void presence('clear', userId)
  }
  function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    const client = clients.get(this)
    if (!client || this.readyState !== this.OPEN) return
    if (!client.budget.take()) {
      this.close(CLOSE.rateLimited, 'rate limit exceeded')
      void core.autoBlocks.record('rate_limited', client.ip)
      return
    }
    void onMessage(client, data, isBinary)
  }

  function send(client: Client, frame: object | Buffer) {
    const { socket } = client
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      // A slow consumer: its close frame would queue behind the backlog, so cut it off.
      core.logger.warn(
        { userId: client.actor.id, buffered: socket.bufferedAmount },
        'websocket slow consumer terminated',
      )
      socket.terminate()
      return
    }
    if (Buffer.isBuffer(frame)) socket.send(frame, TEXT)
    else socket.send(JSON.stringify(frame))
  }

  function reply(client: Client, id: Command['id'] | undefined, body: Record<string, unknown>) {
    send(client, id === undefined ? body : { ...body, id })
  }

  function replyError(
    client: Client,
    id: Command['id'] | undefined,
    code: ErrorCode,
    message: string,
    details?: unknown,
  ) {
    reply(client, id, { type: 'error', code, message, ...(details ? { details } : {}) })
  }

  /** Who is online, for chat's offline emails (best effort: a failure only means an email). */
  async function presence(action: 'mark' | 'clear', userId: string) {
    try {
      await core.presence[action](userId)
    } catch (error) {
      core.logger.warn({ err: error, userId }, 'websocket presence update failed')
    }
  }

  /** Runs a chat command as the socket's user and answers `chat.ack` or an error reply. */
  async function chat(client: Client, id: Command['id'], work: (ctx: Ctx) => Promise<object>) {
    try {
      const result = await work(makeCtx(client.actor, core.clock.now()))
      reply(client, id, { type: 'chat.ack', ...result })
    } catch (error) {
      if (isAppError(error)) return replyError(client, id, error.code, error.message, error.details)
      core.logger.error({ err: error }, 'websocket chat command failed')
      return replyError(client, id, 'internal', 'Could not do that; try again')
    }
  }

  async function onMessage(client: Client, data: RawData, isBinary: boolean) {
    if (isBinary) return replyError(client, undefined, 'invalid_message', 'Send JSON text frames')
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString())
    } catch {
      return replyError(client, undefined, 'invalid_json', 'The frame is not JSON')
    }
    const result = realtimeCommand.safeParse(parsed)
    if (!result.success) {
      const id = realtimeCommandId.safeParse((parsed as { id?: unknown } | null)?.id)
      return replyError(
        client,
        id.success ? id.data : undefined,
        'invalid_message',
        result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '),
      )
    }
    const message = result.data
    switch (message.type) {
      case 'ping':
        return reply(client, message.id, { type: 'pong' })
      case 'unsubscribe':
        channels.leave(client, message.channel)
        return reply(client, message.id, { type: 'unsubscribed', channel: message.channel })
      case 'subscribe':
        return subscribe(client, message)
      case 'chat.send': {
        const { type: _type, id, conversationId, ...body } = message
        return chat(client, id, (ctx) => core.chat.send(ctx, conversationId, body))
      }
      case 'chat.read':
        return chat(client, message.id, async (ctx) => ({
          conversation: await core.chat.markRead(ctx, message.conversationId, { seq: message.seq }),
        }))
    }
  }

  /**
   * Core's decision on a subscription. The same user asking for the same channel from several
   * sockets at once (a reconnect storm after a restart: every tab resubscribes) shares one
   * check in flight; nothing is kept once it settles.
   */
  const checks = new Map<string, Promise<void>>()
  function authorize(actor: Client['actor'], channel: string): Promise<void> {
    const key = `${actor.id} ${actor.role} ${channel}`
    let check = checks.get(key)
    if (!check) {
      check = core.realtime.authorizeSubscription(makeCtx(actor, core.clock.now()), channel)
      checks.set(key, check)
      const forget = () => checks.delete(key)
      check.then(forget, forget)
    }
    return check
  }

  async function subscribe(client: Client, message: Extract<Command, { type: 'subscribe' }>) {
    const { id, channel, since } = message
    const full = () =>
      !client.channels.has(channel) && client.channels.size >= limits.maxSubscriptions
    const tooMany = () =>
      replyError(
        client,
        id,
        'too_many_subscriptions',
        `At most ${limits.maxSubscriptions} channels`,
      )
    if (full()) return tooMany()
    try {
      await authorize(client.actor, channel)
    } catch (error) {
      if (isAppError(error)) return replyError(client, id, error.code, error.message)
      core.logger.error({ err: error, channel }, 'websocket subscribe failed')
      return replyError(client, id, 'internal', 'Could not subscribe; try again')
    }
    if (full()) return tooMany()
    // From here to the reply nothing awaits: no publication can fall between the replayed
    // history and live delivery, so the client sees each seq exactly once.
    const position = { channel, ...channels.join(client, channel) }
    if (!since) return reply(client, id, { type: 'subscribed', ...position })
    // Publications after the socket joined the channel were sent live (a resubscribe to a
    // channel it already had, like its user: channel): the replay stops where live began.
    reply(client, id, {
      type: 'subscribed',
      ...position,
      ...channels.recover(client, channel, since),
    })
  }

  /**
   * Publishes an event on a channel: numbered, kept in the channel's history, serialised once
   * and the same bytes pushed to every subscriber.
   */
  function publish(channel: string, event: string, data: unknown) {
    const at = core.clock.now().toISOString()
    const { publication, frame, subscribers } = channels.publish(channel, event, data, at)
    for (const client of subscribers) send(client, frame)
    return publication
  }

  const closeSocketsOf = (userId: string, code: number, reason: string) => {
    if (!perUser.has(userId)) return
    for (const client of clients.values())
      if (client.actor.id === userId) client.socket.close(code, reason)
  }
  const unsubscribe = [
    onRealtimeEvents(core.events, ({ channel, event, data }) => publish(channel, event, data)),
    // After the routed publication (registered first), so the user still sees why.
    core.events.on('user.suspended', ({ userId }) =>
      closeSocketsOf(userId, CLOSE.suspended, 'suspended'),
    ),
    core.events.on('user.password_reset', ({ userId }) =>
      closeSocketsOf(userId, CLOSE.signedOut, 'signed out'),
    ),
  ]

  const heartbeat = setInterval(() => {
    for (const client of clients.values()) {
      if (client.missedPongs >= 2) {
        client.socket.terminate()
        continue
      }
      client.missedPongs++
      client.socket.ping()
    }
    for (const userId of perUser.keys()) void presence('mark', userId)
  }, limits.heartbeatMs)
  heartbeat.unref()

  return {
    publish,
    get size() {
      return clients.size
    },
    /** Open sockets of one user. */
    connectionsOf,
    /**
     * Refuses new upgrades (503) and asks every open socket to reconnect (1012), so clients
     * move to another instance or come back after the restart.
     */
    close() {
      if (closing) return
      closing = true
      clearInterval(heartbeat)
      expiry.stop()
      for (const off of unsubscribe) off()
      for (const client of clients.values())
        client.socket.close(CLOSE.serviceRestart, 'service restart')
      wss.close()
    },
  }
}

export type Gateway = ReturnType<typeof attachGateway>
