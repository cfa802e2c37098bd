import { type Ctx, requireRole } from '../shared/ctx.js'
import {
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import type { CartDoc, CartLineDoc, CartModel } from './cart.model.js'
import type { CatalogVariant, CatalogView } from './catalog-view.js'
import {
  type AddCartItemBody,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  type UpdateCartItemBody,
} from './order.schemas.js'
import type { CartDTO, CartLineDTO, CartLineIssue } from './order.types.js'

export interface CartDeps {
  carts: CartModel
  catalog: CatalogView
  logger: Logger
}

/** A cart line with what the catalog says of it now: what checkout builds orders from. */
export interface PricedCartLine {
  line: CartLineDoc
  variant: CatalogVariant | undefined
  issues: CartLineIssue[]
}

const SAVE_ATTEMPTS = 5
const lineNotFound = () => new NotFoundError('Cart line')
const isVersionError = (error: unknown) => (error as { name?: unknown }).name === 'VersionError'
const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000

function issuesOf(line: CartLineDoc, variant: CatalogVariant | undefined) {
  const issues: CartLineIssue[] = []
  if (!variant?.sellable) return ['unavailable'] as CartLineIssue[]
  if (variant.stock < line.quantity) issues.push('insufficient_stock')
  if (variant.price !== line.priceSeen) issues.push('price_changed')
  return issues
}

function toLineDTO(priced: PricedCartLine): CartLineDTO {
  const { line, variant, issues } = priced
  const price = variant?.price ?? line.priceSeen
  return {
    id: line.id,
    variantId: line.variantId,
    ...(variant
      ? {
          productId: variant.productId,
          storeId: variant.storeId,
          storeName: variant.store.name,
          title: variant.title,
          sku: variant.sku,
          unitPrice: variant.price,
        }
      : {}),
    options: Object.fromEntries((variant?.options ?? []).map((o) => [o.name, o.value])),
    priceSeen: line.priceSeen,
    quantity: line.quantity,
    lineTotal: price * line.quantity,
    issues: [...issues],
  }
}

/**
 * The buyer's server-side cart. Prices always come from the catalog; the price a line was added
 * at is kept only to flag `price_changed`, which changing the line (PATCH) acknowledges.
 */
export class CartService {
  constructor(private deps: CartDeps) {}

  /** The signed-in buyer's cart, each line checked against the catalog now. */
  async get(ctx: Ctx): Promise<CartDTO> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const cart = await this.deps.carts.findOne({ buyerId }).lean()
    return this.toDTO(await this.price(ctx, cart?.lines ?? []))
  }

  /**
   * Adds a variant, or adds to the quantity of its line.
   * @throws NotFoundError (unknown variant), InvalidStateError `not_available`, ForbiddenError
   *   `own_store`, ConflictError `insufficient_stock` / `cart_full`, ValidationError `quantity_limit`.
   */
  async addItem(ctx: Ctx, input: AddCartItemBody): Promise<CartDTO> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const variant = (await this.deps.catalog.variants([input.variantId], ctx.now)).get(
      input.variantId,
    )
    if (!variant) throw new NotFoundError('Variant')
    if (!variant.sellable) {
      throw new InvalidStateError('This item is not available', 'not_available')
    }
    if (variant.store.ownerId === buyerId) {
      throw new ForbiddenError('You cannot buy from your own store', 'own_store')
    }
    const lines = await this.mutate(buyerId, (current) => {
      const existing = current.find((l) => l.variantId === input.variantId)
      const quantity = (existing?.quantity ?? 0) + input.quantity
      if (quantity > MAX_LINE_QUANTITY) {
        throw new ValidationError(
          'Invalid input',
          { quantity: `at most ${MAX_LINE_QUANTITY} of one item` },
          'quantity_limit',
        )
      }
      if (variant.stock < quantity) {
        throw new ConflictError('Not enough stock', 'insufficient_stock', {
          variantId: input.variantId,
          available: variant.stock,
        })
      }
      if (existing) {
        return current.map((l) =>
          l.id === existing.id ? { ...l, quantity, priceSeen: variant.price } : l,
        )
      }
      if (current.length >= MAX_CART_LINES) {
        throw new ConflictError(`A cart holds at most ${MAX_CART_LINES} lines`, 'cart_full')
      }
      const line: CartLineDoc = {
        id: newId(),
        variantId: variant.variantId,
        quantity,
        priceSeen: variant.price,
        addedAt: ctx.now,
      }
      return [...current, line]
    })
    return this.toDTO(await this.price(ctx, lines))
  }

  /** Sets a line's quantity and acknowledges its current price. @throws NotFoundError */
  async updateItem(ctx: Ctx, lineId: string, input: UpdateCartItemBody): Promise<CartDTO> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const current = await this.deps.carts.findOne({ buyerId }).lean()
    const line = current?.lines.find((l) => l.id === lineId)
    if (!line) throw lineNotFound()
    const variant = (await this.deps.catalog.variants([line.variantId], ctx.now)).get(
      line.variantId,
    )
    const lines = await this.mutate(buyerId, (now) => {
      if (!now.some((l) => l.id === lineId)) throw lineNotFound()
      return now.map((l) =>
        l.id === lineId
          ? { ...l, quantity: input.quantity, priceSeen: variant?.price ?? l.priceSeen }
          : l,
      )
    })
    return this.toDTO(await this.price(ctx, lines))
  }

  /** Removes a line. @throws NotFoundError */
  async removeItem(ctx: Ctx, lineId: string): Promise<CartDTO> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const lines = await this.mutate(buyerId, (current) => {
      if (!current.some((l) => l.id === lineId)) throw lineNotFound()
      return current.filter((l) => l.id !== lineId)
    })
    return this.toDTO(await this.price(ctx, lines))
  }

  /** The cart priced for checkout (internal: the checkout service calls it). */
  async priced(ctx: Ctx, buyerId: string): Promise<PricedCartLine[]> {
    const cart = await this.deps.carts.findOne({ buyerId }).lean()
    return this.price(ctx, cart?.lines ?? [])
  }

  /** Drops the lines a checkout bought; lines added meanwhile stay (internal). */
  async removeBought(buyerId: string, lineIds: string[]): Promise<void> {
    const bought = new Set(lineIds)
    await this.mutate(buyerId, (current) => current.filter((l) => !bought.has(l.id)))
  }

  private async price(ctx: Ctx, lines: CartLineDoc[]): Promise<PricedCartLine[]> {
    const variants = await this.deps.catalog.variants(
      lines.map((l) => l.variantId),
      ctx.now,
    )
    return lines.map((line) => {
      const variant = variants.get(line.variantId)
      return { line, variant, issues: issuesOf(line, variant) }
    })
  }

  private toDTO(priced: PricedCartLine[]): CartDTO {
    const lines = priced.map(toLineDTO)
    const buyable = lines.filter((l) => !l.issues.includes('unavailable'))
    return {
      lines,
      subtotal: buyable.reduce((sum, l) => sum + l.lineTotal, 0),
      currency: 'NGN',
      itemCount: buyable.reduce((sum, l) => sum + l.quantity, 0),
      hasIssues: lines.some((l) => l.issues.length > 0),
    }
  }

  /**
   * Loads the cart (creating it), builds the new lines in JS and saves with optimistic
   * concurrency; a concurrent change makes it start over from the fresh cart.
   */
  private async mutate(
    buyerId: string,
    change: (lines: CartLineDoc[]) => CartLineDoc[],
  ): Promise<CartLineDoc[]> {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const cart =
        (await this.deps.carts.findOne({ buyerId })) ??
        new this.deps.carts({ buyerId, lines: [] } satisfies Partial<CartDoc>)
      const current = cart.lines.map((l) => ({
        id: l.id,
        variantId: l.variantId,
        quantity: l.quantity,
        priceSeen: l.priceSeen,
        addedAt: l.addedAt,
      }))
      const next = change(current)
      cart.set('lines', next)
      try {
        await cart.save()
        return next
      } catch (error) {
        if (!isVersionError(error) && !isDuplicateKey(error)) throw error
        this.deps.logger.debug({ buyerId, attempt }, 'cart changed meanwhile; retrying')
      }
    }
    throw new ConflictError('Your cart is changing fast; try again', 'cart_busy')
  }
}
