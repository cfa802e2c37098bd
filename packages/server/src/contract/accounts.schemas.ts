import { ROLES, type Session, type TokenPair, USER_STATUSES, type UserDTO } from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, id, strict } from './common.schemas.js'

/* The account shapes: a user, a token pair, a session. (The contract: common.schemas.ts.) */

export const userDTO = strict({
  id,
  email: z.string().meta({ example: 'ada@example.com' }),
  name: z.string().meta({ example: 'Ada Obi' }),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  emailVerified: z.boolean(),
  createdAt: at,
}).meta({ id: 'User' })

const tokenFields = {
  accessToken: z.string().meta({ example: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' }),
  refreshToken: z.string().meta({ example: 'rt_3d0a8f6c2b' }),
  expiresIn: count.meta({ description: 'Seconds until the access token expires', example: 900 }),
  tokenType: z.literal('Bearer'),
}
export const tokenPair = strict(tokenFields).meta({ id: 'TokenPair' })
export const session = strict({ ...tokenFields, user: userDTO }).meta({ id: 'Session' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type AccountsSchemasAgree = [
  Assert<Agrees<typeof userDTO, UserDTO>>,
  Assert<Agrees<typeof tokenPair, TokenPair>>,
  Assert<Agrees<typeof session, Session>>,
]
