import type { Core, RouteLimitSettings } from '@kloset/core'

/** The protocol version the welcome frame announces (docs/realtime.md). */
export const PROTOCOL_VERSION = 1

/** Close codes the gateway sends (docs/realtime.md lists them with what a client should do). */
export const CLOSE = {
  /**
   * Policy violation: the socket sent messages faster than its rate allows, or its user's
   * sockets together did.
   */
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
  /**
   * The same for all of one user's sockets on this instance together (close 1008); both unset:
   * RATE_LIMIT_WS_USER_MESSAGES per RATE_LIMIT_WS_MESSAGE_SECONDS. For tests and benches.
   */
  userMessagesPerSecond?: number
  userMessageBurst?: number
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

type RateOptions =
  | 'messagesPerSecond'
  | 'messageBurst'
  | 'userMessagesPerSecond'
  | 'userMessageBurst'

/** A message budget: `messages` per `seconds`, refilled evenly (MessageBudget's settings). */
export interface MessageRate {
  wsMessages: number
  wsMessageSeconds: number
}

/** The gateway's limits, options over defaults over the configuration. */
export type GatewayLimits = Required<Omit<GatewayOptions, RateOptions>> & {
  /** One socket's message rate. */
  socketRate: MessageRate
  /** The rate of all of one user's sockets on this instance together. */
  userRate: MessageRate
}

const defaults: Required<Omit<GatewayOptions, RateOptions>> = {
  heartbeatMs: 30_000,
  maxPayloadBytes: 64 * 1024,
  maxSubscriptions: 50,
  maxBufferedBytes: 1024 * 1024,
  maxConnectionsPerUser: 10,
  historySize: 100,
  maxChannels: 10_000,
  trustProxy: ['loopback'],
}

/** A burst and a sustained rate as a budget, or undefined when either is unset. */
const rateOf = (burst?: number, perSecond?: number): MessageRate | undefined =>
  burst && perSecond ? { wsMessages: burst, wsMessageSeconds: burst / perSecond } : undefined

export function gatewayLimits(core: Core, options: GatewayOptions): GatewayLimits {
  const { messagesPerSecond, messageBurst, userMessagesPerSecond, userMessageBurst, ...rest } =
    options
  const settings: RouteLimitSettings = core.config.rateLimits
  return {
    ...defaults,
    ...rest,
    socketRate: rateOf(messageBurst, messagesPerSecond) ?? settings,
    userRate: rateOf(userMessageBurst, userMessagesPerSecond) ?? {
      wsMessages: settings.wsUserMessages,
      wsMessageSeconds: settings.wsMessageSeconds,
    },
  }
}
