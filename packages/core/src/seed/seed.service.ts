import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { AccountsService } from '../accounts/accounts.service.js'
import type { UsersService } from '../accounts/users.service.js'
import type { ProductsService } from '../catalog/products.service.js'
import type { ImagesService } from '../images/images.service.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, makeCtx } from '../shared/ctx.js'
import { ConflictError } from '../shared/errors.js'
import { validateInput } from '../shared/validate.js'
import type { StoresService } from '../stores/store.service.js'
import { DEMO_STORES, type DemoProduct } from './demo.js'

export interface SeedDeps {
  accounts: AccountsService
  users: UsersService
  stores: StoresService
  products: ProductsService
  images: ImagesService
  clock: Clock
}

export const demoSeedOptions = z.strictObject({
  /** The domain of the demo accounts' addresses. */
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as kloset.local')
    .default('kloset.local'),
})
export type DemoSeedOptions = z.input<typeof demoSeedOptions>

/** What the demo seed made. The passwords are shown once and stored only as hashes. */
export interface DemoSeedResult {
  admin: { email: string; password: string }
  /** Seller accounts are unverified: their confirmation links are in the mail. */
  sellers: { email: string; password: string; store: string }[]
  stores: { slug: string; name: string; status: 'approved' | 'pending'; products: number }[]
  products: { approved: number; pendingReview: number }
}

/** A password nobody guesses and a person can still copy: 20 URL-safe characters. */
const aPassword = () => randomBytes(15).toString('base64url')

/**
 * Fills an empty marketplace with demo data, entirely through the core services (sign-up, store
 * registration and approval, products, variants, photos, review), so a seed is also a smoke test
 * of those paths. Run by `npm start` on an empty data directory and by `kloset seed demo`.
 */
export class SeedService {
  constructor(private deps: SeedDeps) {}

  private bootstrapCtx(): Ctx {
    return makeCtx({ kind: 'admin-cli', id: 'seed', osUser: 'seed' }, this.deps.clock.now())
  }

  /** True when no user account exists: the only state the demo seed writes into. */
  async isEmpty(): Promise<boolean> {
    const page = await this.deps.users.list(this.bootstrapCtx(), { limit: 1 })
    return page.items.length === 0
  }

  /**
   * Creates the demo marketplace.
   * @throws ValidationError for a malformed domain; ConflictError `not_empty` when any user
   *   account exists: the seed never mixes with real data, and a second run does nothing.
   */
  async demo(options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
    const { domain } = validateInput(demoSeedOptions, options)
    if (!(await this.isEmpty())) {
      throw new ConflictError(
        'The database already has accounts; the demo seed needs an empty one',
        'not_empty',
      )
    }
    const { accounts, users, stores } = this.deps
    const now = () => this.deps.clock.now()
    const adminPassword = aPassword()
    const admin = await accounts.createAdmin(this.bootstrapCtx(), {
      email: `admin@${domain}`,
      name: 'Demo Admin',
      password: adminPassword,
    })
    const adminCtx = () => makeCtx({ kind: 'user', id: admin.id, role: 'admin' }, now())
    const sellerPassword = aPassword()
    const result: DemoSeedResult = {
      admin: { email: admin.email, password: adminPassword },
      sellers: [],
      stores: [],
      products: { approved: 0, pendingReview: 0 },
    }

    for (const demo of DEMO_STORES) {
      const email = `${demo.seller.emailLocalPart}@${domain}`
      await accounts.signup(makeCtx({ kind: 'anonymous' }, now()), {
        email,
        password: sellerPassword,
        name: demo.seller.name,
        role: 'seller',
      })
      const seller = await users.get(adminCtx(), email)
      const sellerCtx = () => makeCtx({ kind: 'user', id: seller.id, role: 'seller' }, now())
      let store = await stores.register(sellerCtx(), demo.store)
      if (!demo.pending) store = await stores.approve(adminCtx(), store.id)
      for (const product of demo.products) {
        const approved = await this.product(sellerCtx, adminCtx, product)
        if (approved) result.products.approved++
        else result.products.pendingReview++
      }
      result.sellers.push({ email, password: sellerPassword, store: store.slug })
      result.stores.push({
        slug: store.slug,
        name: store.name,
        status: demo.pending ? 'pending' : 'approved',
        products: demo.products.length,
      })
    }
    return result
  }

  /** Creates, photographs, submits and (unless it is meant to wait) approves one product. */
  private async product(
    sellerCtx: () => Ctx,
    adminCtx: () => Ctx,
    demo: DemoProduct,
  ): Promise<boolean> {
    const { products, images } = this.deps
    const product = await products.create(sellerCtx(), demo.product)
    for (const variant of demo.variants) await products.addVariant(sellerCtx(), product.id, variant)
    await images.upload(sellerCtx(), product.id, { bytes: await gradientPhoto(demo.photo) })
    await products.submit(sellerCtx(), product.id)
    if (demo.pending) return false
    await products.approve(adminCtx(), product.id, { reason: 'demo data' })
    return true
  }
}

/** A 480×600 product photo: a diagonal gradient between two colours, made with sharp. */
async function gradientPhoto(
  [from, to]: DemoProduct['photo'],
  width = 480,
  height = 600,
): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp')
  const pixels = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2
      const offset = (y * width + x) * 3
      for (let c = 0; c < 3; c++) {
        pixels[offset + c] = Math.round((from[c] ?? 0) + ((to[c] ?? 0) - (from[c] ?? 0)) * t)
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer()
}

/** The lines `npm start` and `kloset seed demo` print after seeding. */
export function describeDemoSeed(result: DemoSeedResult): string[] {
  return [
    'Demo data created (an empty data directory was found):',
    `  Admin      ${result.admin.email} / ${result.admin.password}   (shown once: note it now)`,
    `  Sellers    ${result.sellers.map((s) => s.email).join(', ')} / ${result.sellers[0]?.password ?? ''}`,
    '             (confirm each seller address first: bin/kloset mail list)',
    `  Stores     ${result.stores.map((s) => `${s.slug}${s.status === 'pending' ? ' (pending)' : ''}`).join(', ')}`,
    `  Products   ${result.products.approved} live, ${result.products.pendingReview} waiting for review`,
  ]
}
