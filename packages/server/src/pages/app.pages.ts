import type { RouteDef } from '../http/route.js'
import { html, pageResponse } from './html.js'
import { page } from './page.js'

const inTheApp = html`<p>Sign in from the KlosetStore app with your email address and password. <a href="/login">How to sign in</a>.</p>`

/**
 * Where the plan and chat links land without a storefront (docs/pages.md): the seller's plan
 * (also the page Paystack returns a seller to after paying for a plan) and a conversation. They
 * say what happens next and where to go; they show nothing private, since the link alone is no
 * sign-in.
 */
export const appPages: RouteDef[] = [
  page('GET', '/seller/plan', async (_req, { url }) =>
    pageResponse({
      title: 'Your seller plan',
      body: url.searchParams.has('reference')
        ? html`<p role="status">Thank you. Paystack is confirming your payment; your plan starts as soon as it is confirmed, usually within a minute, and we email you when it does.</p>
${inTheApp}`
        : html`<p>See your plan, change it, cancel it or read its invoices in the KlosetStore app, under your store's plan.</p>
${inTheApp}`,
    }),
  ),
  page('GET', '/conversations/:id', async () =>
    pageResponse({
      title: 'A new message',
      body: html`<p>Open the KlosetStore app to read this conversation and answer it.</p>
${inTheApp}`,
    }),
  ),
]
