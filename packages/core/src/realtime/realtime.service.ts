import { createHash, randomBytes } from 'node:crypto'
import type { Principal } from '../accounts/accounts.service.js'
import type { KeyValueStore } from '../adapters/kv.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, isAdmin, requireUser } from '../shared/ctx.js'
import { AppError, ForbiddenError, UnauthorizedError, ValidationError } from '../shared/errors.js'
import { parseChannel } from './channels.js'

/** How long a WebSocket ticket can be redeemed after it is issued. */
export const TICKET_TTL_SECONDS = 30

export interface RealtimeDeps {
  kv: KeyValueStore
  clock: Clock
  accounts: {
    principalOf(
      claims: { sub: string; tv: number; expiresAt: Date },
      now?: Date,
    ): Promise<Principal>
  }
  orders: {
    get(ctx: Ctx, orderId: string): Promise<unknown>
    getOwn(ctx: Ctx, orderId: string): Promise<unknown>
    getForSeller(ctx: Ctx, orderId: string): Promise<unknown>
  }
  stores: {
    getStore(storeId: string): Promise<unknown>
    requireOwnStore(ctx: Ctx): Promise<{ id: string }>
  }
  /** Chat: who may watch `conversation:<id>` (docs/chat.md). */
  conversations?: { authorizeChannel(ctx: Ctx, conversationId: string): Promise<void> }
}

interface TicketClaims {
  sub: string
  tv: number
  /** The access token's expiry (epoch ms): the socket opened with the ticket closes then. */
  exp: number
  /** The ticket's own expiry by the core's clock (epoch ms), besides the store's TTL. */
  until: number
}

const ticketKey = (ticket: string) =>
  `realtime-ticket:${createHash('sha256').update(ticket).digest('base64url')}`

const badTicket = () => new UnauthorizedError('Invalid or expired ticket', 'invalid_ticket')

/** True when the error says "you may not see this" (absent and forbidden look the same). */
const isRefusal = (error: unknown) =>
  error instanceof AppError && (error.kind === 'not_found' || error.kind === 'forbidden')

/**
 * What the WebSocket needs from the core: single-use tickets that stand in for the access token
 * on upgrade (so no JWT goes into a URL), and who may subscribe to which channel, with the same
 * rules as the REST views of the same things.
 */
export class RealtimeService {
  constructor(private deps: RealtimeDeps) {}

  /**
   * Issues a ticket for `/ws?ticket=`: single use, valid {@link TICKET_TTL_SECONDS} s, kept in
   * the key-value store (Redis when set, so any instance can redeem it) under its hash.
   */
  async issueTicket(
    ctx: Ctx,
    principal: Principal,
  ): Promise<{ ticket: string; expiresAt: string }> {
    if (requireUser(ctx) !== principal.actor.id) throw new ForbiddenError()
    const ticket = randomBytes(32).toString('base64url')
    const expiresAt = new Date(this.deps.clock.now().getTime() + TICKET_TTL_SECONDS * 1000)
    const claims: TicketClaims = {
      sub: principal.actor.id,
      tv: principal.tokenVersion,
      exp: principal.expiresAt.getTime(),
      until: expiresAt.getTime(),
    }
    await this.deps.kv.set(ticketKey(ticket), JSON.stringify(claims), TICKET_TTL_SECONDS)
    return { ticket, expiresAt: expiresAt.toISOString() }
  }

  /**
   * Takes a ticket (at most one caller ever gets it) and resolves the user it was issued to,
   * with the same checks as an access token. @throws UnauthorizedError `invalid_ticket`
   */
  async redeemTicket(ticket: string): Promise<Principal> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) throw badTicket()
    const key = ticketKey(ticket)
    const stored = await this.deps.kv.get(key)
    // The compare-and-delete is atomic (a Lua script on Redis): of two racing redeemers, one wins.
    if (!stored || !(await this.deps.kv.deleteIfEquals(key, stored))) throw badTicket()
    const claims = JSON.parse(stored) as TicketClaims
    if (claims.until <= this.deps.clock.now().getTime()) throw badTicket()
    try {
      return await this.deps.accounts.principalOf({
        sub: claims.sub,
        tv: claims.tv,
        expiresAt: new Date(claims.exp),
      })
    } catch {
      throw badTicket()
    }
  }

  /**
   * May the actor subscribe to the channel? `user:<id>` is that user's; `admin` is for
   * administrators; `order:<id>` for the order's buyer, its store's seller and administrators;
   * `store:<id>` for its seller and administrators.
   * @throws ValidationError `unknown_channel`, ForbiddenError, NotFoundError (admins, unknown ids)
   */
  async authorizeSubscription(ctx: Ctx, channel: string): Promise<void> {
    const parsed = parseChannel(channel)
    if (!parsed)
      throw new ValidationError(`No such channel: ${channel}`, undefined, 'unknown_channel')
    const admin = isAdmin(ctx)
    switch (parsed.kind) {
      case 'admin':
        if (!admin) throw new ForbiddenError()
        return
      case 'user':
        if (ctx.actor.kind !== 'user' || ctx.actor.id !== parsed.id) throw new ForbiddenError()
        return
      case 'order':
        if (admin) {
          await this.deps.orders.get(ctx, parsed.id)
          return
        }
        for (const view of [this.deps.orders.getOwn, this.deps.orders.getForSeller]) {
          try {
            await view.call(this.deps.orders, ctx, parsed.id)
            return
          } catch (error) {
            if (!isRefusal(error)) throw error
          }
        }
        throw new ForbiddenError()
      case 'store': {
        if (admin) {
          await this.deps.stores.getStore(parsed.id)
          return
        }
        const own = await this.deps.stores.requireOwnStore(ctx).catch((error) => {
          if (isRefusal(error)) return undefined
          throw error
        })
        if (own?.id !== parsed.id) throw new ForbiddenError()
        return
      }
      case 'conversation':
        // Its parties; administrators only while it is reported or flagged (chat decides).
        if (!this.deps.conversations) throw new ForbiddenError()
        await this.deps.conversations.authorizeChannel(ctx, parsed.id)
        return
    }
  }
}
