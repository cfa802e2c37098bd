import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import { type Ctx, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import { ChangedMeanwhileError, InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import type { ListUsersQuery, OptionalReasonBody, ReasonBody } from './account.schemas.js'
import type { UserDTO } from './account.types.js'
import { toUserDTO } from './accounts.service.js'
import type { RecentUsers } from './recent-users.js'
import type { RefreshTokenModel } from './token.model.js'
import type { UserDoc, UserModel } from './user.model.js'

export interface UsersDeps {
  users: UserModel
  refreshTokens: RefreshTokenModel
  audit: AuditService
  mail: MailService
  events: EventBus
  recentUsers: RecentUsers
}

/** Administration of user accounts; every method is for administrators only. */
export class UsersService {
  constructor(private deps: UsersDeps) {}

  /** Lists users newest first, filtered by role and status, a page at a time. */
  async list(ctx: Ctx, query: ListUsersQuery): Promise<Page<UserDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = {}
    if (query.role) filter.role = query.role
    if (query.status) filter.status = query.status
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.users
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toUserDTO, idCursorOf)
  }

  private async find(idOrEmail: string): Promise<UserDoc> {
    const user = isId(idOrEmail)
      ? await this.deps.users.findById(idOrEmail).lean()
      : await this.deps.users.findOne({ email: idOrEmail.trim().toLowerCase() }).lean()
    if (!user) throw new NotFoundError('User')
    return user
  }

  /** The ids of active administrators: who admin notices (reconcile items, chargebacks) go to. */
  async activeAdminIds(): Promise<string[]> {
    const admins = await this.deps.users
      .find({ role: 'admin', status: 'active' })
      .select({ _id: 1 })
      .lean()
    return admins.map((user) => String(user._id))
  }

  /** One user, by id or email. @throws NotFoundError */
  async get(ctx: Ctx, idOrEmail: string): Promise<UserDTO> {
    requireAdminOrSystem(ctx)
    return toUserDTO(await this.find(idOrEmail))
  }

  /**
   * Suspends an account: it can no longer sign in, and its access and refresh tokens stop
   * working at once. @throws InvalidStateError if already suspended.
   */
  async suspend(ctx: Ctx, idOrEmail: string, input: ReasonBody): Promise<UserDTO> {
    requireRole(ctx, 'admin')
    const user = await this.find(idOrEmail)
    if (user.status === 'suspended') throw new InvalidStateError('User is already suspended')
    const updated = await this.deps.users.findOneAndUpdate(
      { _id: user._id, status: user.status },
      { $set: { status: 'suspended', suspendedReason: input.reason }, $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    )
    if (!updated) throw new ChangedMeanwhileError('user', 'User changed meanwhile; try again')
    this.deps.recentUsers.forget(String(user._id))
    await this.deps.refreshTokens.updateMany(
      { userId: user._id, revokedAt: op({ $exists: false }) },
      { $set: { revokedAt: ctx.now } },
    )
    await this.deps.audit.record(
      ctx,
      'user.suspended',
      { type: 'user', id: String(user._id) },
      { reason: input.reason },
    )
    await this.deps.mail.send(
      updated.email,
      mailTemplates.accountSuspended({ name: updated.name, reason: input.reason }),
    )
    await this.deps.events.emit('user.suspended', {
      userId: String(user._id),
      reason: input.reason,
    })
    return toUserDTO(updated)
  }

  /** Lifts a suspension. @throws InvalidStateError unless the user is suspended. */
  async reinstate(ctx: Ctx, idOrEmail: string, input: OptionalReasonBody = {}): Promise<UserDTO> {
    requireRole(ctx, 'admin')
    const user = await this.find(idOrEmail)
    if (user.status !== 'suspended') throw new InvalidStateError('User is not suspended')
    const updated = await this.deps.users.findOneAndUpdate(
      { _id: user._id, status: 'suspended' },
      {
        $set: { status: user.emailVerifiedAt ? 'active' : 'unverified' },
        $unset: { suspendedReason: 1 },
      },
      { returnDocument: 'after' },
    )
    if (!updated) throw new ChangedMeanwhileError('user', 'User changed meanwhile; try again')
    this.deps.recentUsers.forget(String(user._id))
    await this.deps.audit.record(
      ctx,
      'user.reinstated',
      { type: 'user', id: String(user._id) },
      input.reason ? { reason: input.reason } : {},
    )
    await this.deps.mail.send(
      updated.email,
      mailTemplates.accountReinstated({ name: updated.name }),
    )
    await this.deps.events.emit('user.reinstated', { userId: String(user._id) })
    return toUserDTO(updated)
  }
}
