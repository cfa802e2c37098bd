import { emailOnlyBody, resetPasswordBody, ValidationError, verifyEmailBody } from '@kloset/core'
import type { RouteDef } from '../http/route.js'
import { html, type Markup, pageResponse } from './html.js'
import { formFields, page } from './page.js'

/** Where a person goes next: the hint page that says how to sign in. */
const signInHint = html`<p><a href="/login">How to sign in</a></p>`

function tokenForm(action: string, token: string, button: string, fields?: Markup): Markup {
  return html`<form method="post" action="${action}" novalidate>
<input type="hidden" name="token" value="${token}">
${fields}
<button type="submit">${button}</button>
</form>`
}

const missingToken = () =>
  pageResponse({
    title: 'This link is incomplete',
    status: 400,
    body: html`<p class="error" role="alert">The link has no token. Open the link from the email again, or copy all of it into the address bar.</p>`,
  })

function resetForm(token: string, problem?: string): Markup {
  return tokenForm(
    '/reset-password',
    token,
    'Change my password',
    html`${problem ? html`<p class="error" role="alert" id="problem">${problem}</p>` : ''}
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="256" aria-describedby="password-hint${problem ? ' problem' : ''}">
<p class="hint" id="password-hint">At least 10 characters. A long phrase is easiest to remember.</p>
<label for="confirm">The same password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="256">`,
  )
}

/** Verify email, reset password, forgot password and the sign-in hint (docs/pages.md). */
export const accountPages: RouteDef[] = [
  page('GET', '/verify-email', async (_req, { url }) => {
    const token = url.searchParams.get('token')
    if (!token) return missingToken()
    // A button rather than verifying on GET: mail scanners open links before people do.
    return pageResponse({
      title: 'Confirm your email address',
      body: html`<p>One click and your KlosetStore account is ready.</p>
${tokenForm('/verify-email', token, 'Confirm my email address')}`,
    })
  }),
  page('POST', '/verify-email', async (req, { core, ctx }) => {
    const input = verifyEmailBody.safeParse(await formFields(req, ['token']))
    if (!input.success) return missingToken()
    const user = await core.accounts.verifyEmail(ctx, input.data)
    return pageResponse({
      title: 'Email address confirmed',
      body: html`<p class="ok" role="status">Thank you, ${user.name}: ${user.email} is confirmed.</p>${signInHint}`,
    })
  }),
  page('GET', '/reset-password', async (_req, { url }) => {
    const token = url.searchParams.get('token')
    if (!token) return missingToken()
    return pageResponse({ title: 'Choose a new password', body: resetForm(token) })
  }),
  page('POST', '/reset-password', async (req, { core, ctx }) => {
    const fields = await formFields(req, ['token', 'password', 'confirm'])
    if (!fields.token) return missingToken()
    const retry = (problem: string) =>
      pageResponse({
        title: 'Choose a new password',
        status: 400,
        body: resetForm(fields.token!, problem),
      })
    if (fields.password !== fields.confirm) return retry('The two passwords are not the same.')
    const input = resetPasswordBody.safeParse({ token: fields.token, password: fields.password })
    if (!input.success) {
      const problem = input.error.issues.find((issue) => issue.path[0] === 'password')
      // Anything but the password is wrong: the token, so the link itself.
      if (!problem)
        throw new ValidationError('This link is invalid or has expired', undefined, 'invalid_token')
      return retry(`The password ${problem.message}.`)
    }
    try {
      await core.accounts.resetPassword(ctx, input.data)
    } catch (error) {
      // A weak password keeps the form; an expired token falls through to the error page.
      const details = (error as { details?: { password?: string } }).details
      if (details?.password) return retry(`The password ${details.password}.`)
      throw error
    }
    return pageResponse({
      title: 'Password changed',
      body: html`<p class="ok" role="status">Your password is changed, and every device you were signed in on is signed out.</p>${signInHint}`,
    })
  }),
  page('GET', '/forgot-password', async () =>
    pageResponse({
      title: 'Forgot your password?',
      body: html`<p>Give the email address of your account and we will send a link to choose a new password.</p>
<form method="post" action="/forgot-password" novalidate>
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">Send me a link</button>
</form>`,
    }),
  ),
  page('POST', '/forgot-password', async (req, { core, ctx }) => {
    const input = emailOnlyBody.safeParse(await formFields(req, ['email']))
    if (!input.success) {
      return pageResponse({
        title: 'Forgot your password?',
        status: 400,
        body: html`<p class="error" role="alert">That is not an email address.</p><p><a href="/forgot-password">Try again</a></p>`,
      })
    }
    await core.accounts.forgotPassword(ctx, input.data)
    return pageResponse({
      title: 'Check your email',
      body: html`<p role="status">If ${input.data.email} has an account, a link to choose a new password is on its way. It works for one hour.</p>`,
    })
  }),
  page('GET', '/login', async () =>
    pageResponse({
      title: 'Sign in',
      body: html`<p>Sign in from the KlosetStore app with your email address and password.</p>
<p>Forgot your password? <a href="/forgot-password">Get a link to choose a new one</a>.</p>`,
    }),
  ),
]
