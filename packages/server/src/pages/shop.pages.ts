import { type CatalogProductDTO, formatMoney } from '@kloset/core'
import type { RouteDef } from '../http/route.js'
import { assetResponse, html, pageResponse, STYLESHEET } from './html.js'
import { page } from './page.js'

/** How the return page names each order group status (the script uses the same words). */
const STATUS_WORDS: Record<string, string> = {
  creating: 'being set up',
  awaiting_payment: 'awaiting payment',
  paid: 'paid',
  cancelled: 'cancelled',
}

const priceOf = (product: CatalogProductDTO): string =>
  product.minPrice === product.maxPrice
    ? formatMoney(product.minPrice, product.currency)
    : `${formatMoney(product.minPrice, product.currency)} to ${formatMoney(product.maxPrice, product.currency)}`

/**
 * Polls the public payment status route while the payment is open, and says the new status in
 * the live region. Plain ES2017, no libraries; without JavaScript the page offers a reload link.
 */
export const CHECKOUT_RETURN_SCRIPT = `(() => {
  const region = document.getElementById('payment-status')
  if (!region) return
  const words = ${JSON.stringify(STATUS_WORDS)}
  const reference = region.dataset.reference
  const open = (status) => status === 'creating' || status === 'awaiting_payment'
  let status = region.dataset.status
  let tries = 0
  const show = (next) => {
    status = next
    region.dataset.status = next
    region.querySelector('strong').textContent = words[next] || next
    const done = document.getElementById('payment-done')
    if (done) done.hidden = open(next)
  }
  const poll = async () => {
    if (!open(status) || tries++ > 150) return
    try {
      const response = await fetch('/api/v1/checkout/' + encodeURIComponent(reference) + '/payment-status', { headers: { accept: 'application/json' }, cache: 'no-store' })
      if (response.ok) show((await response.json()).status)
    } catch (error) {}
    if (open(status)) setTimeout(poll, 2000)
  }
  setTimeout(poll, 1000)
})()
`

/** The store page and the checkout return page (docs/pages.md), with the pages' assets. */
export const shopPages: RouteDef[] = [
  page('GET', '/pages/kloset.css', async () => assetResponse(STYLESHEET, 'text/css')),
  page('GET', '/pages/checkout-return.js', async () =>
    assetResponse(CHECKOUT_RETURN_SCRIPT, 'text/javascript'),
  ),
  page('GET', '/stores/:slug', async (_req, { core, ctx, params }) => {
    const store = await core.stores.getPublic(ctx, params.slug!)
    const listed = await core.catalog.listStoreProducts(ctx, store.slug, {
      limit: 48,
      sort: 'newest',
    })
    const { items } = JSON.parse(listed.body) as { items: CatalogProductDTO[] }
    return pageResponse({
      title: store.name,
      body: html`<p>${store.description}</p>
<p class="hint">${store.city}</p>
<h2>Products</h2>
${
  items.length === 0
    ? html`<p>Nothing on sale right now.</p>`
    : html`<ul class="products">${items.map(
        (product) => html`<li>
${product.image ? html`<img src="${product.image.url}" alt="" width="${product.image.width}" height="${product.image.height}" loading="lazy">` : ''}
<h3>${product.title}</h3>
<p>${priceOf(product)}${product.inStock ? '' : ' (sold out)'}</p>
</li>`,
      )}</ul>`
}
<p class="hint">To buy, open this store in the KlosetStore app.</p>`,
    })
  }),
  page('GET', '/checkout/complete', async (_req, { core, ctx, url }) => {
    const reference = url.searchParams.get('reference') ?? url.searchParams.get('trxref')
    if (!reference) {
      return pageResponse({
        title: 'No payment to show',
        status: 400,
        body: html`<p class="error" role="alert">This address has no payment reference. Your orders are in the KlosetStore app.</p>`,
      })
    }
    const { status } = await core.checkout.paymentStatus(ctx, reference)
    const open = status === 'creating' || status === 'awaiting_payment'
    return pageResponse({
      title: 'Your payment',
      scripts: ['/pages/checkout-return.js'],
      body: html`<p id="payment-status" role="status" aria-live="polite" data-reference="${reference}" data-status="${status}">Payment status: <strong>${STATUS_WORDS[status] ?? status}</strong></p>
<p id="payment-done"${open ? html` hidden` : ''}>You can go back to the KlosetStore app: your orders are there.</p>
<noscript><p>This page does not update by itself without JavaScript: <a href="/checkout/complete?reference=${reference}">check again</a>.</p></noscript>
<p class="hint">Payment reference: ${reference}</p>`,
    })
  }),
]
