import type { Role } from '../shared/ctx.js'
import type { UserStatus } from './user.model.js'

/** What the API and the CLI show of a user: never the password hash or token version. */
export interface UserDTO {
  id: string
  email: string
  name: string
  role: Role
  status: UserStatus
  emailVerified: boolean
  createdAt: string
}

export interface TokenPair {
  accessToken: string
  refreshToken: string
  /** Seconds until the access token expires. */
  expiresIn: number
  tokenType: 'Bearer'
}

export interface Session extends TokenPair {
  user: UserDTO
}
