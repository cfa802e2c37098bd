import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { ROLES, type Role } from '../shared/ctx.js'

export const USER_STATUSES = ['unverified', 'active', 'suspended'] as const
export type UserStatus = (typeof USER_STATUSES)[number]

export interface UserDoc {
  _id: Types.ObjectId
  email: string
  name: string
  role: Role
  status: UserStatus
  passwordHash: string
  /** Bumped by a password reset or a suspension: older access tokens stop working at once. */
  tokenVersion: number
  emailVerifiedAt?: Date
  suspendedReason?: string
  createdAt: Date
  updatedAt: Date
}

const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    status: { type: String, required: true, enum: ['unverified', 'active', 'suspended'] },
    passwordHash: { type: String, required: true },
    tokenVersion: { type: Number, required: true, default: 0 },
    emailVerifiedAt: Date,
    suspendedReason: String,
  },
  { timestamps: true, collection: 'users' },
)
userSchema.index({ role: 1, _id: -1 })
userSchema.index({ status: 1, _id: -1 })

export type UserModel = Model<UserDoc>

export const createUserModel = (conn: Connection): UserModel =>
  conn.models.User ?? conn.model<UserDoc>('User', userSchema)
