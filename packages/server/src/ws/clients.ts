import type { Core, MessageBudget, Principal } from '@kloset/core'
import type { WebSocket } from 'ws'

/**
 * One open socket. Kept small (1,000 idle sockets are measured against bare `ws` ones,
 * docs/benchmarks.md): the actor rather than the whole principal, no timer or closure of its own
 * (the socket's listeners and the expiry sweep are shared by all sockets).
 */
export interface Client {
  socket: WebSocket
  actor: Principal['actor']
  /** When the credential it was opened with expires, in this process's `Date.now()` time. */
  expiresAt: number
  /** The channels it is subscribed to, each with the channel's `seq` when it joined. */
  channels: Map<string, number>
  missedPongs: number
  /** The socket's message rate limit (RATE_LIMIT_WS_MESSAGES; close 1008 beyond). */
  budget: MessageBudget
  /** Its user's, shared by all of that user's sockets here (RATE_LIMIT_WS_USER_MESSAGES). */
  userBudget: MessageBudget
  /** The client address believed (TRUST_PROXY), for automatic blocks. */
  ip: string
}

/**
 * The gateway's open sockets, and per user how many are open here (the connection cap, presence,
 * closing a user's sockets when the session ends).
 */
export class ClientRegistry {
  readonly bySocket = new Map<WebSocket, Client>()
  private perUser = new Map<string, number>()

  constructor(private core: Core) {}

  get size(): number {
    return this.bySocket.size
  }

  /** Open sockets of one user on this instance. */
  connectionsOf = (userId: string): number => this.perUser.get(userId) ?? 0

  /** Users with a socket open here. */
  users(): IterableIterator<string> {
    return this.perUser.keys()
  }

  add(client: Client): void {
    this.bySocket.set(client.socket, client)
    const userId = client.actor.id
    const count = this.connectionsOf(userId) + 1
    this.perUser.set(userId, count)
    // Marked on the user's first socket here; the heartbeat keeps the mark fresh.
    if (count === 1) void this.presence('mark', userId)
  }

  /** Forgets a closed socket; returns it (undefined if it was not open here). */
  remove(socket: WebSocket): Client | undefined {
    const client = this.bySocket.get(socket)
    if (!client) return undefined
    this.bySocket.delete(socket)
    const userId = client.actor.id
    const left = this.connectionsOf(userId) - 1
    if (left > 0) this.perUser.set(userId, left)
    else {
      this.perUser.delete(userId)
      void this.presence('clear', userId)
    }
    return client
  }

  /** Closes every socket of one user here with `code`. */
  closeSocketsOf(userId: string, code: number, reason: string): void {
    if (!this.perUser.has(userId)) return
    for (const client of this.bySocket.values())
      if (client.actor.id === userId) client.socket.close(code, reason)
  }

  /** Who is online, for chat's offline emails (best effort: a failure only means an email). */
  async presence(action: 'mark' | 'clear', userId: string): Promise<void> {
    try {
      await this.core.presence[action](userId)
    } catch (error) {
      this.core.logger.warn({ err: error, userId }, 'websocket presence update failed')
    }
  }
}
