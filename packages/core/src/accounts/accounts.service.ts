import { randomUUID } from 'node:crypto'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import type { Clock } from '../shared/clock.js'
import type { AuthSettings } from '../shared/config.js'
import { type Actor, type Ctx, requireUser } from '../shared/ctx.js'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { hashToken, isId, newSecretToken } from '../shared/ids.js'
import type { RateLimiter } from '../shared/rate-limit.js'
import type { AccessTokens } from './access-token.js'
import type {
  CreateAdminBody,
  EmailOnlyBody,
  LoginBody,
  RefreshBody,
  ResetPasswordBody,
  SignupBody,
  UpdateMeBody,
  VerifyEmailBody,
} from './account.schemas.js'
import type { Session, TokenPair, UserDTO } from './account.types.js'
import { isCommonPassword } from './common-passwords.js'
import { LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password-hasher.js'
import type { RecentUsers } from './recent-users.js'
import type { OneTimePurpose, OneTimeTokenModel, RefreshTokenModel } from './token.model.js'
import type { UserDoc, UserModel } from './user.model.js'

export interface AccountsDeps {
  users: UserModel
  oneTimeTokens: OneTimeTokenModel
  refreshTokens: RefreshTokenModel
  hasher: PasswordHasher
  accessTokens: AccessTokens
  limiter: RateLimiter
  /** Recently authenticated users; forgotten on every write to one (recent-users.ts). */
  recentUsers: RecentUsers
  mail: MailService
  audit: AuditService
  events: EventBus
  clock: Clock
  settings: AuthSettings
  publicUrl: string
  /** Told of every sign-in and its address (fraud: a buyer and a seller on one address). */
  signIns?: { signedIn(userId: string, ip: string | undefined): Promise<void> }
}

/** The signed-in user behind a request, as established by `authenticate`. */
export interface Principal {
  actor: Extract<Actor, { kind: 'user' }>
  user: UserDTO
  /** The user's token version the credential was issued at (a reset or suspension moves it). */
  tokenVersion: number
  /** When the credential behind this principal (the access token) stops being accepted. */
  expiresAt: Date
}

export function toUserDTO(user: UserDoc): UserDTO {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    emailVerified: !!user.emailVerifiedAt,
    createdAt: user.createdAt.toISOString(),
  }
}

const invalidCredentials = () =>
  new UnauthorizedError('Invalid email or password', 'invalid_credentials')
const invalidToken = () =>
  new ValidationError('This link is invalid or has expired', undefined, 'invalid_token')

/**
 * Sign-up, email verification, sign-in, token rotation and password reset. Answers that could
 * reveal whether an email has an account are the same either way.
 */
export class AccountsService {
  private throttle: LoginThrottle

  constructor(private deps: AccountsDeps) {
    this.throttle = new LoginThrottle(deps.limiter, deps.settings.loginLimit)
  }

  private link(path: string, token: string): string {
    return `${this.deps.publicUrl}${path}?token=${encodeURIComponent(token)}`
  }

  private assertPasswordAllowed(password: string): void {
    if (isCommonPassword(password)) {
      throw new ValidationError('Password is too common', {
        password: 'is one of the most common passwords; choose another',
      })
    }
  }

  private async issueOneTimeToken(userId: UserDoc['_id'], purpose: OneTimePurpose, now: Date) {
    const token = newSecretToken()
    const ttl =
      purpose === 'verify_email'
        ? this.deps.settings.verifyTokenTtlSeconds
        : this.deps.settings.resetTokenTtlSeconds
    await this.deps.oneTimeTokens.create({
      purpose,
      tokenHash: hashToken(token),
      userId,
      expiresAt: new Date(now.getTime() + ttl * 1000),
    })
    return token
  }

  /** Marks a one-time token used, exactly once; returns its user id. */
  private async consumeOneTimeToken(token: string, purpose: OneTimePurpose, now: Date) {
    const found = await this.deps.oneTimeTokens.findOneAndUpdate(
      {
        tokenHash: hashToken(token),
        purpose,
        usedAt: op({ $exists: false }),
        expiresAt: op({ $gt: now }),
      },
      { $set: { usedAt: now } },
      { returnDocument: 'after' },
    )
    if (!found) throw invalidToken()
    return found.userId
  }

  private async sendVerification(user: UserDoc, now: Date): Promise<void> {
    const token = await this.issueOneTimeToken(user._id, 'verify_email', now)
    await this.deps.mail.send(
      user.email,
      mailTemplates.verifyEmail({
        name: user.name,
        link: this.link('/verify-email', token),
        hours: Math.round(this.deps.settings.verifyTokenTtlSeconds / 3600),
      }),
    )
  }

  /** Counts a mail-sending request against the address; the same for known and unknown ones. */
  private limitMail(kind: string, email: string) {
    const { perAddress, windowSeconds } = this.deps.settings.mailLimit
    return this.deps.limiter.consume(`mail:${kind}:${email}`, perAddress, windowSeconds)
  }

  /**
   * Registers a buyer or seller and sends a verification email. An email that already has an
   * account gets a notice instead, and the caller sees the same answer.
   */
  async signup(ctx: Ctx, input: SignupBody): Promise<{ status: 'verification_sent' }> {
    this.assertPasswordAllowed(input.password)
    await this.limitMail('signup', input.email)
    const passwordHash = await this.deps.hasher.hash(input.password)
    const existing = await this.deps.users.findOne({ email: input.email })
    if (existing) {
      await this.deps.mail.send(
        existing.email,
        mailTemplates.signupAttempted({
          name: existing.name,
          loginLink: `${this.deps.publicUrl}/login`,
          resetLink: `${this.deps.publicUrl}/forgot-password`,
        }),
      )
      return { status: 'verification_sent' }
    }
    let user: UserDoc
    try {
      user = await this.deps.users.create({
        email: input.email,
        name: input.name,
        role: input.role,
        status: 'unverified',
        passwordHash,
        tokenVersion: 0,
      })
    } catch (error) {
      // A concurrent sign-up with the same email won the insert: same answer as above.
      if ((error as { code?: number }).code === 11000) return { status: 'verification_sent' }
      throw error
    }
    await this.sendVerification(user, ctx.now)
    await this.deps.events.emit('user.signed_up', {
      userId: String(user._id),
      email: user.email,
      role: user.role,
    })
    return { status: 'verification_sent' }
  }

  /** Confirms an email address with the single-use token from the verification link. */
  async verifyEmail(ctx: Ctx, input: VerifyEmailBody): Promise<UserDTO> {
    const userId = await this.consumeOneTimeToken(input.token, 'verify_email', ctx.now)
    const user = await this.deps.users.findById(userId)
    if (!user) throw invalidToken()
    if (!user.emailVerifiedAt) {
      user.emailVerifiedAt = ctx.now
      if (user.status === 'unverified') user.status = 'active'
      await user.save()
      this.deps.recentUsers.forget(String(user._id))
      await this.deps.events.emit('user.verified', { userId: String(user._id) })
    }
    return toUserDTO(user)
  }

  /** Sends a fresh verification link to an unverified account; answers the same for any email. */
  async resendVerification(ctx: Ctx, input: EmailOnlyBody): Promise<{ status: 'accepted' }> {
    await this.limitMail('verify', input.email)
    // Looked up after the answer, so its time cannot tell whether the email has an account.
    this.deps.mail.later(async () => {
      const user = await this.deps.users.findOne({ email: input.email })
      if (user && !user.emailVerifiedAt && user.status !== 'suspended') {
        await this.sendVerification(user, ctx.now)
      }
    })
    return { status: 'accepted' }
  }

  private async issueSession(
    user: UserDoc,
    now: Date,
    familyId: string = randomUUID(),
  ): Promise<Session> {
    const refreshToken = newSecretToken()
    await this.deps.refreshTokens.create({
      tokenHash: hashToken(refreshToken),
      familyId,
      userId: user._id,
      expiresAt: new Date(now.getTime() + this.deps.settings.refreshTokenTtlSeconds * 1000),
    })
    const pair: TokenPair = {
      accessToken: this.deps.accessTokens.sign(
        { sub: String(user._id), role: user.role, tv: user.tokenVersion },
        now,
      ),
      refreshToken,
      expiresIn: this.deps.accessTokens.ttlSeconds,
      tokenType: 'Bearer',
    }
    return { ...pair, user: toUserDTO(user) }
  }

  /**
   * Signs in with email and password.
   * @throws UnauthorizedError `invalid_credentials` (same for unknown email and wrong password),
   *   ForbiddenError `email_not_verified` or `account_suspended`, RateLimitedError (the
   *   throttling in LoginThrottle).
   */
  async login(ctx: Ctx, input: LoginBody): Promise<Session> {
    const attempt = await this.throttle.admit(input.email, ctx.ip, ctx.now)
    const user = await this.deps.users.findOne({ email: input.email })
    const ok = await this.deps.hasher.verify(user?.passwordHash, input.password)
    if (!user || !ok) {
      await this.throttle.failed(attempt)
      throw invalidCredentials()
    }
    if (user.status === 'suspended')
      throw new ForbiddenError('This account is suspended', 'account_suspended')
    if (!user.emailVerifiedAt)
      throw new ForbiddenError('Confirm your email address first', 'email_not_verified')
    await this.throttle.succeeded(attempt)
    await this.upgradePasswordHash(user, input.password)
    await this.deps.signIns?.signedIn(String(user._id), ctx.ip)
    return this.issueSession(user, ctx.now)
  }

  /**
   * Re-hashes a just-verified password whose stored hash uses older cost parameters. Compare-and-
   * set on the old hash, so a password reset that lands meanwhile is never overwritten.
   */
  private async upgradePasswordHash(user: UserDoc, password: string): Promise<void> {
    if (!this.deps.hasher.needsRehash(user.passwordHash)) return
    await this.deps.users.updateOne(
      { _id: user._id, passwordHash: user.passwordHash },
      { $set: { passwordHash: await this.deps.hasher.hash(password) } },
    )
  }

  private async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.deps.refreshTokens.updateMany(
      { familyId, revokedAt: op({ $exists: false }) },
      { $set: { revokedAt: now } },
    )
  }

  /**
   * Trades a refresh token for a new pair. A token is good once: presenting a spent one revokes
   * its whole family, so a thief and the rightful holder are both signed out.
   */
  async refresh(ctx: Ctx, input: RefreshBody): Promise<Session> {
    const tokenHash = hashToken(input.refreshToken)
    const now = ctx.now
    const claimed = await this.deps.refreshTokens.findOneAndUpdate(
      {
        tokenHash,
        spentAt: op({ $exists: false }),
        revokedAt: op({ $exists: false }),
        expiresAt: op({ $gt: now }),
      },
      { $set: { spentAt: now } },
      { returnDocument: 'after' },
    )
    if (!claimed) {
      const known = await this.deps.refreshTokens.findOne({ tokenHash }).lean()
      if (known?.spentAt) await this.revokeFamily(known.familyId, now)
      throw new UnauthorizedError('Invalid refresh token', 'invalid_refresh_token')
    }
    const user = await this.deps.users.findById(claimed.userId)
    if (!user || user.status === 'suspended') {
      await this.revokeFamily(claimed.familyId, now)
      throw new UnauthorizedError('Invalid refresh token', 'invalid_refresh_token')
    }
    return this.issueSession(user, now, claimed.familyId)
  }

  /** Signs out: revokes the family of the given refresh token. Unknown tokens are ignored. */
  async logout(ctx: Ctx, input: RefreshBody): Promise<void> {
    const known = await this.deps.refreshTokens
      .findOne({ tokenHash: hashToken(input.refreshToken) })
      .lean()
    if (known) await this.revokeFamily(known.familyId, ctx.now)
  }

  /** Sends a reset link when the account exists; answers the same either way, in body and time. */
  async forgotPassword(ctx: Ctx, input: EmailOnlyBody): Promise<{ status: 'accepted' }> {
    await this.limitMail('reset', input.email)
    // Looked up, and the link issued and queued, after the answer: known and unknown addresses
    // get the same answer in the same time.
    this.deps.mail.later(async () => {
      const user = await this.deps.users.findOne({ email: input.email })
      if (!user || user.status === 'suspended') return
      const token = await this.issueOneTimeToken(user._id, 'reset_password', ctx.now)
      await this.deps.mail.send(
        user.email,
        mailTemplates.resetPassword({
          name: user.name,
          link: this.link('/reset-password', token),
          minutes: Math.round(this.deps.settings.resetTokenTtlSeconds / 60),
        }),
      )
    })
    return { status: 'accepted' }
  }

  /**
   * Sets a new password from a reset link, then signs out everywhere: every refresh token is
   * revoked and the token version moves, so older access tokens stop working at once.
   */
  async resetPassword(ctx: Ctx, input: ResetPasswordBody): Promise<void> {
    this.assertPasswordAllowed(input.password)
    const userId = await this.consumeOneTimeToken(input.token, 'reset_password', ctx.now)
    const passwordHash = await this.deps.hasher.hash(input.password)
    const user = await this.deps.users.findOneAndUpdate(
      { _id: userId },
      // A reset link proves the mailbox, so it also confirms the email.
      { $set: { passwordHash }, $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    )
    if (!user) throw invalidToken()
    this.deps.recentUsers.forget(String(user._id))
    if (!user.emailVerifiedAt) {
      await this.deps.users.updateOne(
        { _id: userId, status: 'unverified' },
        { $set: { emailVerifiedAt: ctx.now, status: 'active' } },
      )
    }
    await this.deps.refreshTokens.updateMany(
      { userId, revokedAt: op({ $exists: false }) },
      { $set: { revokedAt: ctx.now } },
    )
    // The mailbox owner is back in control: nobody's failed guesses slow their sign-in any more.
    await this.throttle.clear(user.email)
    await this.deps.mail.send(user.email, mailTemplates.passwordChanged({ name: user.name }))
    await this.deps.events.emit('user.password_reset', { userId: String(user._id) })
  }

  /**
   * Resolves a bearer access token to the user behind it, checking the signature, expiry, the
   * user's status and token version (so resets and suspensions take effect at once).
   * @throws UnauthorizedError
   */
  async authenticate(accessToken: string, now: Date = this.deps.clock.now()): Promise<Principal> {
    return this.principalOf(this.deps.accessTokens.verify(accessToken, now), now)
  }

  /**
   * The user behind already verified credentials (an access token's claims, or a realtime
   * ticket made from them): still unexpired, same token version, not suspended.
   * @throws UnauthorizedError
   */
  async principalOf(
    claims: { sub: string; tv: number; expiresAt: Date },
    now: Date = this.deps.clock.now(),
  ): Promise<Principal> {
    const invalid = () => new UnauthorizedError('Invalid or expired access token', 'invalid_token')
    if (!isId(claims.sub) || claims.expiresAt <= now) throw invalid()
    let user = this.deps.recentUsers.get(claims.sub)
    if (!user) {
      user = (await this.deps.users.findById(claims.sub).lean()) ?? undefined
      if (user) this.deps.recentUsers.remember(claims.sub, user)
    }
    if (!user || user.tokenVersion !== claims.tv || user.status === 'suspended') throw invalid()
    return {
      actor: { kind: 'user', id: String(user._id), role: user.role },
      user: toUserDTO(user),
      tokenVersion: claims.tv,
      expiresAt: claims.expiresAt,
    }
  }

  /** The signed-in user's own account. */
  async me(ctx: Ctx): Promise<UserDTO> {
    const user = await this.deps.users.findById(requireUser(ctx)).lean()
    if (!user) throw new NotFoundError('User')
    return toUserDTO(user)
  }

  /** Updates what a user may change about themselves: only the display name. */
  async updateMe(ctx: Ctx, input: UpdateMeBody): Promise<UserDTO> {
    const user = await this.deps.users.findOneAndUpdate(
      { _id: requireUser(ctx) },
      { $set: { name: input.name } },
      { returnDocument: 'after' },
    )
    if (!user) throw new NotFoundError('User')
    this.deps.recentUsers.forget(String(user._id))
    return toUserDTO(user)
  }

  /**
   * Checks the signed-in user's password again before a sensitive change (payout account).
   * Counted against the same per-account limit as sign-in, so it cannot be used to guess.
   * @throws ForbiddenError `invalid_password`, RateLimitedError, UnauthorizedError.
   */
  async verifyPassword(ctx: Ctx, password: string): Promise<void> {
    const userId = requireUser(ctx)
    const { perAccountAndIp, windowSeconds } = this.deps.settings.loginLimit
    await this.deps.limiter.consume(`reauth:${userId}`, perAccountAndIp, windowSeconds)
    const user = await this.deps.users.findById(userId).lean()
    const ok = await this.deps.hasher.verify(user?.passwordHash, password)
    if (!user || !ok) throw new ForbiddenError('The password is wrong', 'invalid_password')
    await this.deps.limiter.reset(`reauth:${userId}`)
  }

  /** Deletes expired link tokens and refresh tokens (a scheduler job; no TTL indexes here). */
  async sweepExpiredTokens(ctx: Ctx): Promise<{ oneTimeTokens: number; refreshTokens: number }> {
    const before = op({ $lt: ctx.now })
    const oneTime = await this.deps.oneTimeTokens.deleteMany({ expiresAt: before })
    const refresh = await this.deps.refreshTokens.deleteMany({ expiresAt: before })
    return { oneTimeTokens: oneTime.deletedCount, refreshTokens: refresh.deletedCount }
  }

  /**
   * Creates an administrator account, verified at once. Only an administrator (or the CLI, whose
   * operator holds the database credentials) can do this.
   */
  async createAdmin(ctx: Ctx, input: CreateAdminBody): Promise<UserDTO> {
    if (
      ctx.actor.kind !== 'admin-cli' &&
      !(ctx.actor.kind === 'user' && ctx.actor.role === 'admin')
    ) {
      throw new ForbiddenError()
    }
    this.assertPasswordAllowed(input.password)
    if (await this.deps.users.exists({ email: input.email })) {
      throw new ConflictError('An account with this email already exists', 'email_taken')
    }
    const user = await this.deps.users.create({
      email: input.email,
      name: input.name,
      role: 'admin',
      status: 'active',
      emailVerifiedAt: ctx.now,
      passwordHash: await this.deps.hasher.hash(input.password),
      tokenVersion: 0,
    })
    await this.deps.audit.record(ctx, 'admin.created', { type: 'user', id: String(user._id) })
    return toUserDTO(user)
  }
}
