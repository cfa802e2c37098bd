import { type Core, MessageBudget } from '@kloset/core'
import type { Client, ClientRegistry } from './clients.js'
import { CLOSE, type GatewayLimits } from './gateway.options.js'

/**
 * The message rate limits: each socket has its budget (RATE_LIMIT_WS_MESSAGES), and all of one
 * user's sockets on this instance share another (RATE_LIMIT_WS_USER_MESSAGES), so opening more
 * sockets does not multiply what a user may send. A user's budget outlives their last socket
 * until it has refilled: closing and reopening sockets does not refill it early.
 */
export class MessageLimits {
  private users = new Map<string, MessageBudget>()

  constructor(
    private core: Core,
    private limits: GatewayLimits,
  ) {}

  /** A new socket's own budget, and its user's shared one. */
  budgetsFor(userId: string): Pick<Client, 'budget' | 'userBudget'> {
    let userBudget = this.users.get(userId)
    if (!userBudget) {
      userBudget = new MessageBudget(this.limits.userRate)
      this.users.set(userId, userBudget)
    }
    return { budget: new MessageBudget(this.limits.socketRate), userBudget }
  }

  /**
   * Spends one message of the socket's and its user's budgets. Over either, the socket is closed
   * with 1008 (the address counts towards an automatic block) and false is returned.
   */
  admit(client: Client): boolean {
    const now = Date.now()
    if (client.budget.take(now) && client.userBudget.take(now)) return true
    client.socket.close(CLOSE.rateLimited, 'rate limit exceeded')
    void this.core.autoBlocks.record('rate_limited', client.ip)
    return false
  }

  /** Forgets the budgets of users with no socket here once they have refilled. */
  forgetIdle(registry: ClientRegistry): void {
    const now = Date.now()
    for (const [userId, budget] of this.users)
      if (registry.connectionsOf(userId) === 0 && budget.full(now)) this.users.delete(userId)
  }
}

/**
 * Every `heartbeatMs`: terminates sockets that missed two pongs and pings the rest, refreshes
 * the presence of users with a socket here, forgets refilled budgets. Returns the stopper.
 */
export function startHeartbeat(
  registry: ClientRegistry,
  messageLimits: MessageLimits,
  heartbeatMs: number,
): () => void {
  const heartbeat = setInterval(() => {
    for (const client of registry.bySocket.values()) {
      if (client.missedPongs >= 2) {
        client.socket.terminate()
        continue
      }
      client.missedPongs++
      client.socket.ping()
    }
    for (const userId of registry.users()) void registry.presence('mark', userId)
    messageLimits.forgetIdle(registry)
  }, heartbeatMs)
  heartbeat.unref()
  return () => clearInterval(heartbeat)
}
