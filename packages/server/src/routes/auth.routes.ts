import {
  emailOnlyBody,
  loginBody,
  refreshBody,
  resetPasswordBody,
  signupBody,
  updateMeBody,
  verifyEmailBody,
} from '@kloset/core'
import { acceptedBody, session, signupAccepted, userBody } from '../contract/responses.js'
import { json, noContent } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Accounts'

export const authRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/auth/signup',
    auth: 'public',
    tag,
    summary: 'Create a buyer or seller account; a verification email follows',
    body: signupBody,
    response: signupAccepted,
    responses: {
      202: 'Accepted, whether or not the email already has an account',
      400: 'Invalid input',
      429: 'Too many requests for this address',
    },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.accounts.signup(ctx, input.body), 202),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/verify-email',
    auth: 'public',
    tag,
    summary: 'Confirm an email address with the token from the link',
    body: verifyEmailBody,
    response: userBody,
    responses: { 200: 'The verified user', 400: 'Invalid or expired token' },
    handler: async (_req, { core, ctx, input }) =>
      json({ user: await core.accounts.verifyEmail(ctx, input.body) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/resend-verification',
    auth: 'public',
    tag,
    summary: 'Send a new verification link',
    body: emailOnlyBody,
    response: acceptedBody,
    responses: { 202: 'Accepted, always', 429: 'Too many requests for this address' },
    handler: async (_req, { core, ctx, input }) => {
      await core.accounts.resendVerification(ctx, input.body)
      return json({ status: 'accepted' }, 202)
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/login',
    auth: 'public',
    tag,
    summary: 'Sign in with email and password',
    body: loginBody,
    response: session,
    responses: {
      200: 'Access and refresh tokens, and the user',
      401: 'invalid_credentials',
      403: 'email_not_verified or account_suspended',
      429: 'Too many attempts',
    },
    handler: async (_req, { core, ctx, input }) => json(await core.accounts.login(ctx, input.body)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/refresh',
    auth: 'public',
    tag,
    summary: 'Trade a refresh token for a new pair (the old one is spent)',
    body: refreshBody,
    response: session,
    responses: { 200: 'A new token pair', 401: 'Invalid, spent or revoked refresh token' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.accounts.refresh(ctx, input.body)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/logout',
    auth: 'public',
    tag,
    summary: 'Revoke the refresh token family',
    body: refreshBody,
    responses: { 204: 'Signed out' },
    handler: async (_req, { core, ctx, input }) => {
      await core.accounts.logout(ctx, input.body)
      return noContent()
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/forgot-password',
    auth: 'public',
    tag,
    summary: 'Email a password reset link when the account exists',
    body: emailOnlyBody,
    response: acceptedBody,
    responses: { 202: 'Accepted, always', 429: 'Too many requests for this address' },
    handler: async (_req, { core, ctx, input }) => {
      await core.accounts.forgotPassword(ctx, input.body)
      return json({ status: 'accepted' }, 202)
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/reset-password',
    auth: 'public',
    tag,
    summary: 'Set a new password with the token from the link; signs out everywhere',
    body: resetPasswordBody,
    responses: { 204: 'Password changed', 400: 'Invalid or expired token, or a weak password' },
    handler: async (_req, { core, ctx, input }) => {
      await core.accounts.resetPassword(ctx, input.body)
      return noContent()
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/me',
    auth: 'user',
    tag,
    summary: 'The signed-in user',
    response: userBody,
    responses: { 200: 'The user', 401: 'Not signed in' },
    // authenticate() has just read the user: no second read.
    handler: async (_req, { principal }) => json({ user: principal!.user }),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/me',
    auth: 'user',
    tag,
    summary: 'Change your display name (nothing else is writable here)',
    body: updateMeBody,
    response: userBody,
    responses: { 200: 'The updated user', 400: 'Invalid input (unknown fields are refused)' },
    handler: async (_req, { core, ctx, input }) =>
      json({ user: await core.accounts.updateMe(ctx, input.body) }),
  }),
]
