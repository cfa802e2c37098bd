import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  aBuyer,
  anEmail,
  aShippingAddress,
  aStoreSelling,
  createPaystackWorld,
  freePort,
  type PaystackWorld,
} from '@kloset/core/testing'
import type { Browser, Page } from 'playwright-core'
import { type RunningServer, startServer } from '../server.js'
import { launchChromium } from '../test-support/browser.js'
import { checkedFetch } from '../test-support/checked-fetch.js'

/**
 * The pages the server's links land on, in a real headless Chromium: the links come from the
 * mail the real SMTP server captured, payment happens on the Paystack sandbox's checkout page,
 * and its redirect lands on our return page, which polls until it says "paid".
 */
let pw: PaystackWorld
let server: RunningServer
let browser: Browser
let origin: string
/** Every URL the browser asked for, to show the pages load nothing from elsewhere. */
const requested: string[] = []

beforeAll(async () => {
  const port = await freePort()
  origin = `http://127.0.0.1:${port}`
  pw = await createPaystackWorld({ config: { publicUrl: origin } })
  server = await startServer(pw.world.core, { port, host: '127.0.0.1' })
  pw.sandbox.setWebhookUrl(`${origin}/api/v1/webhooks/paystack`)
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await pw?.close()
})

async function newPage(): Promise<Page> {
  const page = await browser.newPage()
  page.on('request', (request) => requested.push(request.url()))
  return page
}

async function api(path: string, body: unknown, token?: string): Promise<Response> {
  return checkedFetch(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })
}

/** Every visible form control has a label the browser computes as its accessible name. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), button', (controls) =>
    controls
      .filter((control) => {
        const labels = (control as HTMLInputElement).labels
        const text = control.tagName === 'BUTTON' ? control.textContent?.trim() : ''
        return !text && (!labels || labels.length === 0) && !control.getAttribute('aria-label')
      })
      .map((control) => control.outerHTML),
  )
}

describe('the pages links land on, in Chromium', () => {
  it('confirms an email address from the link in the captured email', async () => {
    const email = anEmail('page-verify')
    const signup = await api('/api/v1/auth/signup', {
      email,
      password: A_PASSWORD,
      name: 'Ngozi Page',
      role: 'buyer',
    })
    expect(signup.status).toBe(202)
    const mail = await pw.world.smtp.waitFor(email, /Confirm/)
    const link = mail.links.find((l) => l.includes('/verify-email?token='))!
    expect(link.startsWith(`${origin}/verify-email`)).toBe(true)

    const page = await newPage()
    await page.goto(link)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.textContent('h1')).toBe('Confirm your email address')
    expect(await unlabelledControls(page)).toEqual([])
    // Opening the link alone (a mail scanner) does not confirm: signing in is still refused.
    expect((await api('/api/v1/auth/login', { email, password: A_PASSWORD })).status).toBe(403)
    await page.getByRole('button', { name: 'Confirm my email address' }).click()
    await page.waitForSelector('text=is confirmed')
    expect(await page.textContent('h1')).toBe('Email address confirmed')
    expect((await api('/api/v1/auth/login', { email, password: A_PASSWORD })).status).toBe(200)

    // The same link a second time: the page says it has expired.
    await page.goto(link)
    await page.getByRole('button', { name: 'Confirm my email address' }).click()
    await page.waitForSelector('text=This link has expired')
    await page.close()
  })

  it('resets a password through the forgot-password form and the reset form', async () => {
    const buyer = await aBuyer(pw.world)
    const page = await newPage()
    await page.goto(`${origin}/login`)
    await page.getByRole('link', { name: 'Get a link to choose a new one' }).click()
    await page.getByLabel('Email address').fill(buyer.email)
    await page.getByRole('button', { name: 'Send me a link' }).click()
    await page.waitForSelector('text=Check your email')

    const mail = await pw.world.smtp.waitFor(buyer.email, /password/i)
    const link = mail.links.find((l) => l.includes('/reset-password?token='))!
    await page.goto(link)
    expect(await unlabelledControls(page)).toEqual([])
    // Two different passwords keep the form, with the problem said in an alert.
    await page.getByLabel('New password').fill('a brand new passphrase')
    await page.getByLabel('The same password again').fill('another passphrase')
    await page.getByRole('button', { name: 'Change my password' }).click()
    expect(await page.getByRole('alert').textContent()).toContain('not the same')

    await page.getByLabel('New password').fill('a brand new passphrase')
    await page.getByLabel('The same password again').fill('a brand new passphrase')
    await page.getByRole('button', { name: 'Change my password' }).click()
    await page.waitForSelector('text=Your password is changed')
    await page.close()

    const oldPassword = await api('/api/v1/auth/login', {
      email: buyer.email,
      password: A_PASSWORD,
    })
    expect(oldPassword.status).toBe(401)
    const newPassword = await api('/api/v1/auth/login', {
      email: buyer.email,
      password: 'a brand new passphrase',
    })
    expect(newPassword.status).toBe(200)
  })

  it('pays on the sandbox checkout page and lands on the return page showing paid', async () => {
    const seller = await aStoreSelling(pw.world, { price: 1_250_000, stock: 3 })
    const buyer = await aBuyer(pw.world)
    const token = buyer.session.accessToken
    const added = await api(
      '/api/v1/cart/items',
      { variantId: seller.variant.id, quantity: 1 },
      token,
    )
    expect(added.status).toBe(200)
    const checkout = await checkedFetch(`${origin}/api/v1/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': 'browser-checkout-0001',
      },
      body: JSON.stringify({ shippingAddress: aShippingAddress() }),
    })
    expect(checkout.status).toBe(201)
    const { payment } = (await checkout.json()) as {
      payment: { authorizationUrl: string; reference: string }
    }

    // The store page first: its product is there, with its price for people.
    const page = await newPage()
    await page.goto(`${origin}/stores/${seller.store.slug}`)
    expect(await page.textContent('h1')).toBe(seller.store.name)
    expect(await page.textContent('.products')).toContain('₦12,500.00')

    await page.goto(payment.authorizationUrl)
    await page.getByRole('button', { name: /^Pay / }).click()
    await page.waitForURL(`${origin}/checkout/complete?**`)
    expect(new URL(page.url()).searchParams.get('reference')).toBe(payment.reference)
    const status = page.locator('#payment-status strong')
    await expect(status.textContent()).resolves.toMatch(/awaiting payment|paid/)
    await page.waitForFunction(
      () => document.querySelector('#payment-status strong')?.textContent === 'paid',
      undefined,
      { timeout: 20_000 },
    )
    expect(await page.isVisible('#payment-done')).toBe(true)
    await page.close()

    // Only this server and the sandbox were asked for anything: no CDN, no external fonts.
    const origins = new Set(requested.map((url) => new URL(url).origin))
    origins.delete(origin)
    origins.delete(new URL(payment.authorizationUrl).origin)
    expect([...origins]).toEqual([])
  }, 60_000)
})
