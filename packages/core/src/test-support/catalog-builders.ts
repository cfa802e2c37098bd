import { Types } from 'mongoose'
import type { CreateProductBody, CreateVariantBody } from '../catalog/product.schemas.js'
import type { ProductDTO, ProductStatus, VariantDTO } from '../catalog/product.types.js'
import { RECOUNT_GRACE_MS } from '../catalog/stock-recount.js'
import type { Ctx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import type { StoreDTO } from '../stores/store.types.js'
import { adminCliCtx, anEmail, aVerifiedUser, type TestWorld, userCtx } from './harness.js'

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

/**
 * A seller and their store. With no `sellerId` there is no account behind the seller: enough for
 * catalog rules, and catalog mail then goes to the store's contact address (`email`).
 */
export async function aSellerWithStore(
  world: TestWorld,
  storeStatus: 'approved' | 'pending' = 'approved',
  sellerId: string = newId(),
): Promise<{ seller: Ctx; store: StoreDTO; email: string }> {
  const seller = userCtx(sellerId, 'seller', world.clock.now())
  const email = anEmail('store')
  let store = await world.core.stores.register(seller, {
    name: `Ankara House ${unique()}`,
    description: 'Hand-finished ankara and aso-oke pieces from Lagos.',
    contactEmail: email,
    contactPhone: '+234 803 123 4567',
    address: { line1: '12 Balogun Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
    categories: ['women', 'traditional'],
  })
  if (storeStatus === 'approved')
    store = await world.core.stores.approve(adminCliCtx(world.clock.now()), store.id)
  return { seller, store, email }
}

/**
 * A verified seller account, signed in (`token`), with a store of its own; unlike
 * `aSellerWithStore`, seller mail goes to the account's address (`email`).
 */
export async function aSignedUpSeller(
  world: TestWorld,
  storeStatus: 'approved' | 'pending' = 'approved',
): Promise<{ seller: Ctx; store: StoreDTO; email: string; token: string; userId: string }> {
  const account = await aVerifiedUser(world, 'seller')
  const { seller, store } = await aSellerWithStore(world, storeStatus, account.user.id)
  return {
    seller,
    store,
    email: account.email,
    token: account.session.accessToken,
    userId: account.user.id,
  }
}

export const aProductInput = (overrides: Partial<CreateProductBody> = {}): CreateProductBody => ({
  title: 'Ankara wrap dress',
  description: 'Cotton wax print, fully lined.',
  category: 'women',
  brand: 'Adire Lab',
  tags: ['ankara', 'dress'],
  options: [{ name: 'size', values: ['S', 'M', 'L'] }],
  ...overrides,
})

export const aVariantInput = (overrides: Partial<CreateVariantBody> = {}): CreateVariantBody => ({
  sku: `SKU-${unique()}`.toUpperCase(),
  options: { size: 'M' },
  price: 1_500_000,
  stock: 10,
  lowStockThreshold: 3,
  weightGrams: 400,
  ...overrides,
})

/** A product with one variant, driven through the services into `status`. */
export async function aProductIn(
  world: TestWorld,
  seller: Ctx,
  status: ProductStatus,
): Promise<{ product: ProductDTO; variant: VariantDTO }> {
  const { products } = world.core
  const admin = adminCliCtx(world.clock.now())
  let product = await products.create(seller, aProductInput())
  const variant = await products.addVariant(seller, product.id, aVariantInput())
  if (status !== 'draft') product = await products.submit(seller, product.id)
  if (status === 'approved' || status === 'archived')
    product = await products.approve(admin, product.id)
  if (status === 'rejected')
    product = await products.reject(admin, product.id, { reason: 'blurry photos' })
  if (status === 'archived') product = await products.archive(seller, product.id)
  return { product, variant }
}

/**
 * The state a crash leaves between a keyed restock's movement row and its `$inc`: the row,
 * marked `unconfirmed` and older than the recount's grace period, and the stock without the
 * units (inventory.service.ts). With `stockAdded`, the `$inc` happened and only the mark is left.
 */
export async function anInterruptedRestock(
  world: TestWorld,
  variantId: string,
  quantity: number,
  stockAdded = false,
): Promise<void> {
  const variants = world.core.connection.collection('variants')
  const variant = await variants.findOne({ _id: new Types.ObjectId(variantId) })
  if (!variant) throw new Error(`no variant ${variantId}`)
  await world.core.connection.collection('stock_movements').insertOne({
    key: `restock:crashed:${new Types.ObjectId()}`,
    variantId: variant._id,
    productId: variant.productId,
    storeId: variant.storeId,
    kind: 'restock',
    delta: quantity,
    stockAfter: (variant.stock as number) + quantity,
    reason: 'refund',
    actor: { kind: 'system', label: 'system:refunds' },
    unconfirmed: true,
    at: new Date(world.clock.now().getTime() - RECOUNT_GRACE_MS - 1_000),
  })
  if (stockAdded) await variants.updateOne({ _id: variant._id }, { $inc: { stock: quantity } })
}
