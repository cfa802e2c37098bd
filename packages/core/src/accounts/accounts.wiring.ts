import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { AccessTokens } from './access-token.js'
import { type AccountsDeps, AccountsService } from './accounts.service.js'
import { PasswordHasher } from './password-hasher.js'
import { forgetRecentUsersOn, RecentUsers } from './recent-users.js'
import { UsersService } from './users.service.js'

/** Accounts (sign-up, sign-in, tokens) and users (profiles, administration). */
export function wireAccounts(
  p: Platform,
  ports: Pick<AccountsDeps, 'signIns'>,
): Wired<{ accounts: AccountsService; users: UsersService }> {
  const { config, models, events, mail, audit } = p
  const recentUsers = new RecentUsers()
  const accounts = new AccountsService({
    users: models.users,
    oneTimeTokens: models.oneTimeTokens,
    refreshTokens: models.refreshTokens,
    recentUsers,
    hasher: new PasswordHasher(config.auth.argon2),
    accessTokens: new AccessTokens({
      secret: config.jwtSecret,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    }),
    limiter: p.limiter,
    mail,
    audit,
    events,
    clock: p.clock,
    settings: config.auth,
    publicUrl: p.publicUrl,
    ...ports,
  })
  const users = new UsersService({
    users: models.users,
    refreshTokens: models.refreshTokens,
    audit,
    mail,
    events,
    recentUsers,
  })
  return {
    services: { accounts, users },
    subscribe: (bus) => forgetRecentUsersOn(bus, recentUsers),
  }
}
