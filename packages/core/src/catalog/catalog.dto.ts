import type { ContentDoc, ProductDoc } from './product.model.js'
import type {
  ProductContent,
  ProductDTO,
  ReservationDTO,
  StockMovementDTO,
  VariantDTO,
} from './product.types.js'
import type { ReservationDoc } from './reservation.model.js'
import type { StockMovementDoc } from './stock-movement.model.js'
import type { VariantDoc } from './variant.model.js'

/** Copies content field by field, so that nothing else of a document or an input comes along. */
export function contentOf(doc: ContentDoc): ProductContent {
  return {
    title: doc.title,
    description: doc.description ?? '',
    category: doc.category,
    ...(doc.brand ? { brand: doc.brand } : {}),
    tags: [...(doc.tags ?? [])],
    options: (doc.options ?? []).map((o) => ({ name: o.name, values: [...o.values] })),
    images: (doc.images ?? []).map((i) => ({
      id: i.id,
      url: i.url,
      storageKey: i.storageKey,
      store: i.store,
      width: i.width,
      height: i.height,
      format: i.format,
      bytes: i.bytes,
    })),
  }
}

const iso = (date: Date | undefined) => (date ? { value: date.toISOString() } : undefined)

export function toProductDTO(doc: ProductDoc): ProductDTO {
  const submittedAt = iso(doc.submittedAt)
  const approvedAt = iso(doc.approvedAt)
  const publishedAt = iso(doc.publishedAt)
  const archivedAt = iso(doc.archivedAt)
  return {
    id: String(doc._id),
    storeId: String(doc.storeId),
    status: doc.status,
    ...(doc.statusReason ? { statusReason: doc.statusReason } : {}),
    ...contentOf(doc),
    ...(doc.pendingRevision
      ? {
          pendingRevision: {
            ...contentOf(doc.pendingRevision),
            submittedAt: doc.pendingRevision.submittedAt.toISOString(),
          },
        }
      : {}),
    ...(doc.revisionRejection
      ? {
          revisionRejection: {
            reason: doc.revisionRejection.reason,
            at: doc.revisionRejection.at.toISOString(),
          },
        }
      : {}),
    ...(doc.minPrice !== undefined ? { minPrice: doc.minPrice } : {}),
    ...(doc.maxPrice !== undefined ? { maxPrice: doc.maxPrice } : {}),
    inStock: doc.inStock,
    variantCount: doc.variantCount,
    optionValues: [...(doc.optionValues ?? [])],
    ...(submittedAt ? { submittedAt: submittedAt.value } : {}),
    ...(approvedAt ? { approvedAt: approvedAt.value } : {}),
    ...(publishedAt ? { publishedAt: publishedAt.value } : {}),
    ...(archivedAt ? { archivedAt: archivedAt.value } : {}),
    ...(doc.hiddenByPlan ? { hiddenByPlan: true } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

export function toVariantDTO(doc: VariantDoc): VariantDTO {
  return {
    id: String(doc._id),
    productId: String(doc.productId),
    storeId: String(doc.storeId),
    sku: doc.sku,
    options: Object.fromEntries(doc.options.map((o) => [o.name, o.value])),
    price: doc.price,
    ...(doc.compareAtPrice !== undefined ? { compareAtPrice: doc.compareAtPrice } : {}),
    stock: doc.stock,
    lowStockThreshold: doc.lowStockThreshold,
    weightGrams: doc.weightGrams,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

export function toMovementDTO(doc: StockMovementDoc): StockMovementDTO {
  return {
    id: String(doc._id),
    variantId: String(doc.variantId),
    kind: doc.kind,
    delta: doc.delta,
    stockAfter: doc.stockAfter,
    reason: doc.reason,
    actor: doc.actor.label,
    ...(doc.reservationId ? { reservationId: String(doc.reservationId) } : {}),
    ...(doc.orderGroupId ? { orderGroupId: doc.orderGroupId } : {}),
    ...(doc.unconfirmed ? { unconfirmed: true as const } : {}),
    at: doc.at.toISOString(),
  }
}

export function toReservationDTO(doc: ReservationDoc): ReservationDTO {
  return {
    id: String(doc._id),
    status: doc.status,
    lines: doc.lines.map((l) => ({
      variantId: String(l.variantId),
      productId: String(l.productId),
      storeId: String(l.storeId),
      quantity: l.quantity,
    })),
    expiresAt: doc.expiresAt.toISOString(),
    ...(doc.orderGroupId ? { orderGroupId: doc.orderGroupId } : {}),
    ...(doc.releaseReason ? { releaseReason: doc.releaseReason } : {}),
    createdAt: doc.createdAt.toISOString(),
  }
}
