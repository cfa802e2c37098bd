import { type Connection, type Model, Schema, type Types } from 'mongoose'

export type OneTimePurpose = 'verify_email' | 'reset_password'

/** Single-use link tokens (email verification, password reset), stored hashed. */
export interface OneTimeTokenDoc {
  _id: Types.ObjectId
  purpose: OneTimePurpose
  tokenHash: string
  userId: Types.ObjectId
  expiresAt: Date
  usedAt?: Date
  createdAt: Date
}

const oneTimeTokenSchema = new Schema<OneTimeTokenDoc>(
  {
    purpose: { type: String, required: true, enum: ['verify_email', 'reset_password'] },
    tokenHash: { type: String, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'one_time_tokens' },
)

/**
 * Refresh tokens: opaque, stored hashed, rotated on every use, grouped in families. Reusing a
 * spent token revokes its whole family.
 */
export interface RefreshTokenDoc {
  _id: Types.ObjectId
  tokenHash: string
  familyId: string
  userId: Types.ObjectId
  expiresAt: Date
  spentAt?: Date
  revokedAt?: Date
  createdAt: Date
}

const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true, index: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    expiresAt: { type: Date, required: true, index: true },
    spentAt: Date,
    revokedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'refresh_tokens' },
)

export type OneTimeTokenModel = Model<OneTimeTokenDoc>
export type RefreshTokenModel = Model<RefreshTokenDoc>

export const createOneTimeTokenModel = (conn: Connection): OneTimeTokenModel =>
  conn.models.OneTimeToken ?? conn.model<OneTimeTokenDoc>('OneTimeToken', oneTimeTokenSchema)

export const createRefreshTokenModel = (conn: Connection): RefreshTokenModel =>
  conn.models.RefreshToken ?? conn.model<RefreshTokenDoc>('RefreshToken', refreshTokenSchema)
