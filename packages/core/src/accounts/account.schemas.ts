import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { USER_STATUSES } from './user.model.js'

export const email = z.string().trim().toLowerCase().max(254).pipe(z.email())
export const newPassword = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters')
const personName = z.string().trim().min(1).max(100)
const token = z.string().min(16).max(200)

export const signupBody = z.strictObject({
  email,
  password: newPassword,
  name: personName,
  role: z.enum(['buyer', 'seller']),
})
export type SignupBody = z.infer<typeof signupBody>

export const verifyEmailBody = z.strictObject({ token })
export type VerifyEmailBody = z.infer<typeof verifyEmailBody>

export const emailOnlyBody = z.strictObject({ email })
export type EmailOnlyBody = z.infer<typeof emailOnlyBody>

export const loginBody = z.strictObject({ email, password: z.string().min(1).max(256) })
export type LoginBody = z.infer<typeof loginBody>

export const refreshBody = z.strictObject({ refreshToken: token })
export type RefreshBody = z.infer<typeof refreshBody>

export const resetPasswordBody = z.strictObject({ token, password: newPassword })
export type ResetPasswordBody = z.infer<typeof resetPasswordBody>

export const updateMeBody = z.strictObject({ name: personName })
export type UpdateMeBody = z.infer<typeof updateMeBody>

export const listUsersQuery = pageQuery.extend({
  role: z.enum(['buyer', 'seller', 'admin']).optional(),
  status: z.enum(USER_STATUSES).optional(),
})
export type ListUsersQuery = z.infer<typeof listUsersQuery>

export const reasonBody = z.strictObject({ reason: z.string().trim().min(3).max(500) })
export type ReasonBody = z.infer<typeof reasonBody>

export const optionalReasonBody = z.strictObject({ reason: z.string().trim().max(500).optional() })
export type OptionalReasonBody = z.infer<typeof optionalReasonBody>

export const createAdminBody = z.strictObject({ email, name: personName, password: newPassword })
export type CreateAdminBody = z.infer<typeof createAdminBody>
