import type { Ctx } from '../shared/ctx.js'

/**
 * The users port: people by id or email, for mail and notices (store owners, buyers, dispute
 * parties). `UsersService` satisfies it; callers pass an administrator or system context.
 */
export interface People {
  get(ctx: Ctx, idOrEmail: string): Promise<{ email: string; name: string }>
}
