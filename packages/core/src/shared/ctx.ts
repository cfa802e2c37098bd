import { ForbiddenError, UnauthorizedError } from './errors.js'
import { newRequestId } from './ids.js'

export const ROLES = ['buyer', 'seller', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Who is acting: a signed-in user, an administrator at the terminal, or a timed job. */
export type Actor =
  | { kind: 'user'; id: string; role: Role }
  | { kind: 'admin-cli'; id: string; osUser: string }
  | { kind: 'system'; job: string }
  | { kind: 'anonymous' }

/** The first argument of every service method. */
export interface Ctx {
  actor: Actor
  requestId: string
  now: Date
  /** The client's address, when the call came over the network (rate limits, audit). */
  ip?: string
}

export function makeCtx(actor: Actor, now: Date, requestId = newRequestId(), ip?: string): Ctx {
  return { actor, requestId, now, ...(ip ? { ip } : {}) }
}

export const anonymous: Actor = { kind: 'anonymous' }

export function systemCtx(job: string, now = new Date()): Ctx {
  return makeCtx({ kind: 'system', job }, now)
}

/** True for an admin, whether over HTTP or at the CLI. */
export function isAdmin(ctx: Ctx): boolean {
  return ctx.actor.kind === 'admin-cli' || (ctx.actor.kind === 'user' && ctx.actor.role === 'admin')
}

/** The id of the person acting, for audit trails; jobs have none. */
export function actorId(ctx: Ctx): string | undefined {
  return ctx.actor.kind === 'user' || ctx.actor.kind === 'admin-cli' ? ctx.actor.id : undefined
}

/** A short label of the actor for logs and timelines. */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `${actor.role}:${actor.id}`
    case 'admin-cli':
      return `admin-cli:${actor.id}(${actor.osUser})`
    case 'system':
      return `system:${actor.job}`
    case 'anonymous':
      return 'anonymous'
  }
}

/**
 * Requires a signed-in user with one of the roles; CLI administrators pass `admin`. A system
 * actor (a timed job, an event subscriber, a webhook) is refused: where one legitimately acts,
 * the call site says so with {@link requireAdminOrSystem}.
 * @throws UnauthorizedError when nobody is signed in, ForbiddenError for the wrong role.
 */
export function requireRole(ctx: Ctx, ...roles: Role[]): string {
  const { actor } = ctx
  if (actor.kind === 'admin-cli' && roles.includes('admin')) return actor.id
  if (actor.kind !== 'user') {
    if (actor.kind === 'anonymous') throw new UnauthorizedError()
    throw new ForbiddenError()
  }
  if (!roles.includes(actor.role)) throw new ForbiddenError()
  return actor.id
}

/**
 * Requires an administrator (HTTP or CLI) or a system actor: for the verbs that timed jobs,
 * event subscribers and webhooks run as well as administrators (the ledger's postings, the
 * jobs' sweeps, the payout run). Returns the actor's id, `system:<job>` for a system actor.
 * @throws UnauthorizedError when nobody is signed in, ForbiddenError for anyone else.
 */
export function requireAdminOrSystem(ctx: Ctx): string {
  if (ctx.actor.kind === 'system') return `system:${ctx.actor.job}`
  return requireRole(ctx, 'admin')
}

/** Requires any signed-in user and returns their id. */
export function requireUser(ctx: Ctx): string {
  if (ctx.actor.kind !== 'user') throw new UnauthorizedError()
  return ctx.actor.id
}
