import { Types } from 'mongoose'
import { assertMinorUnits } from '../shared/money.js'
import type { PricedCartLine } from './cart.service.js'
import type { CatalogVariant } from './catalog-view.js'
import type { OrderLineDoc } from './order.model.js'

/*
 * What a checkout will write, computed from the priced cart with no database: one order per
 * store, prices from the catalog, totals in kobo (checkout.service.ts writes them).
 */

export interface OrderDraft {
  _id: Types.ObjectId
  store: CatalogVariant['store']
  lines: OrderLineDoc[]
  subtotal: number
  shipping: number
  total: number
}

/** Groups cart lines into one order per store, prices from the catalog, totals in kobo. */
export function draftOrders(priced: PricedCartLine[]): OrderDraft[] {
  const byStore = new Map<string, OrderDraft>()
  for (const { line, variant } of priced) {
    if (!variant) continue
    const draft = byStore.get(variant.storeId) ?? {
      _id: new Types.ObjectId(),
      store: variant.store,
      lines: [],
      subtotal: 0,
      shipping: 0,
      total: 0,
    }
    const lineTotal = assertMinorUnits(variant.price * line.quantity)
    draft.lines.push({
      variantId: variant.variantId,
      productId: variant.productId,
      title: variant.title,
      options: variant.options.map((o) => ({ name: o.name, value: o.value })),
      sku: variant.sku,
      unitPrice: variant.price,
      quantity: line.quantity,
      lineTotal,
    })
    draft.subtotal = assertMinorUnits(draft.subtotal + lineTotal)
    byStore.set(variant.storeId, draft)
  }
  // Shipping is free for now; the total is still computed, never assumed.
  for (const draft of byStore.values())
    draft.total = assertMinorUnits(draft.subtotal + draft.shipping)
  return [...byStore.values()]
}

/** The cart's orders and what the buyer is charged; the two must agree to the kobo. */
export function draftCheckout(priced: PricedCartLine[]): { drafts: OrderDraft[]; total: number } {
  const drafts = draftOrders(priced)
  const total = drafts.reduce((sum, d) => assertMinorUnits(sum + d.total), 0)
  const linesTotal = priced.reduce(
    (sum, p) => sum + (p.variant?.price ?? Number.NaN) * p.line.quantity,
    0,
  )
  // The one invariant of the money path: the orders add up to what the buyer is charged.
  if (total !== linesTotal || total <= 0) {
    throw new Error(`checkout totals disagree: orders ${total}, lines ${linesTotal}`)
  }
  return { drafts, total }
}
