import { describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import { assertTransition } from '../shared/transitions.js'
import { adminCliCtx, anonCtx, aVerifiedUser, userCtx } from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'
import type { RegisterStoreBody } from './store.schemas.js'
import { storeTransitions } from './store.transitions.js'
import { STORE_STATUSES, type StoreDTO, type StoreStatus } from './store.types.js'

const world = testWorldForSuite()

let counter = 0
const uniqueName = (label = 'Ankara House') => `${label} ${Date.now().toString(36)}${counter++}`

/** A valid registration; names are unique per call unless given. */
const aStoreInput = (overrides: Partial<RegisterStoreBody> = {}): RegisterStoreBody => ({
  name: uniqueName(),
  description: 'Hand-finished ankara and aso-oke pieces from Lagos.',
  contactEmail: 'hello@ankara.example',
  contactPhone: '+234 803 123 4567',
  address: { line1: '12 Balogun Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
  categories: ['women', 'traditional'],
  ...overrides,
})

/** A seller context with no account behind it: enough for rules that only need the role. */
const aSellerCtx = (): Ctx => userCtx(newId(), 'seller', world.clock.now())
const admin = () => adminCliCtx(world.clock.now())

/** A fresh store driven through the service into `status`, with its seller's context. */
async function aStoreIn(status: StoreStatus): Promise<{ store: StoreDTO; seller: Ctx }> {
  const seller = aSellerCtx()
  let store = await world.core.stores.register(seller, aStoreInput())
  const { stores } = world.core
  if (status === 'rejected')
    store = await stores.reject(admin(), store.id, { reason: 'blurry logo' })
  if (status === 'approved' || status === 'suspended' || status === 'closed') {
    store = await stores.approve(admin(), store.id)
  }
  if (status === 'suspended') store = await stores.suspend(admin(), store.id, { reason: 'fakes' })
  if (status === 'closed') store = await stores.close(admin(), store.id)
  expect(store.status).toBe(status)
  return { store, seller }
}

describe('the store transition table', () => {
  const allowed = new Set([
    'pending>approved',
    'pending>rejected',
    'rejected>pending',
    'approved>suspended',
    'approved>closed',
    'suspended>approved',
    'suspended>closed',
  ])
  const pairs = STORE_STATUSES.flatMap((from) => STORE_STATUSES.map((to) => [from, to] as const))

  it.each(pairs)('decides %s -> %s as the lifecycle says', (from, to) => {
    const attempt = () => assertTransition(storeTransitions, from, to, 'Store')
    if (allowed.has(`${from}>${to}`)) expect(attempt).not.toThrow()
    else expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_transition' }))
  })
})

describe('admin decisions against every status', () => {
  type Verb = 'approve' | 'reject' | 'suspend' | 'reinstate' | 'close'
  const outcome: Record<Verb, StoreStatus> = {
    approve: 'approved',
    reject: 'rejected',
    suspend: 'suspended',
    reinstate: 'approved',
    close: 'closed',
  }
  const allowedFrom: Record<Verb, StoreStatus[]> = {
    approve: ['pending'],
    reject: ['pending'],
    suspend: ['approved'],
    reinstate: ['suspended'],
    close: ['approved', 'suspended'],
  }
  const cases = (Object.keys(outcome) as Verb[]).flatMap((verb) =>
    STORE_STATUSES.map((from) => [verb, from, allowedFrom[verb].includes(from)] as const),
  )
  const act = (verb: Verb, storeId: string) => {
    const { stores } = world.core
    if (verb === 'reject' || verb === 'suspend') {
      return stores[verb](admin(), storeId, { reason: 'policy breach' })
    }
    return stores[verb](admin(), storeId, {})
  }

  it.each(cases)('%s from %s: allowed=%s', async (verb, from, allowed) => {
    const { store } = await aStoreIn(from)
    if (allowed) {
      expect((await act(verb, store.id)).status).toBe(outcome[verb])
    } else {
      await expect(act(verb, store.id)).rejects.toMatchObject({ code: 'invalid_transition' })
      expect((await world.core.stores.get(admin(), store.id)).status).toBe(from)
    }
  })
})

describe('closing as a dry run', () => {
  it('changes nothing and audits nothing when a closable store is checked', async () => {
    const { store } = await aStoreIn('approved')
    const checked = await world.core.stores.close(admin(), store.id, {}, { dryRun: true })
    expect(checked).toMatchObject({ id: store.id, status: 'approved' })
    expect((await world.core.stores.get(admin(), store.id)).status).toBe('approved')
    const entries = await world.core.audit.listFor(admin(), { type: 'store', id: store.id })
    expect(entries.map((e) => e.action)).not.toContain('store.closed')
  })

  it('refuses the check for a store that cannot be closed', async () => {
    const { store } = await aStoreIn('pending')
    await expect(
      world.core.stores.close(admin(), store.id, {}, { dryRun: true }),
    ).rejects.toMatchObject({ code: 'invalid_transition' })
  })
})

describe('resubmission and edits', () => {
  it('sends a rejected store back to pending when the seller edits it, clearing the reason', async () => {
    const { store, seller } = await aStoreIn('rejected')
    expect(store.statusReason).toBe('blurry logo')
    const edited = await world.core.stores.updateOwn(seller, {
      logoUrl: 'https://cdn.example/l.png',
    })
    expect(edited).toMatchObject({ status: 'pending', logoUrl: 'https://cdn.example/l.png' })
    expect(edited.statusReason).toBeUndefined()
  })

  it('audits a resubmission', async () => {
    const { store, seller } = await aStoreIn('rejected')
    await world.core.stores.updateOwn(seller, { description: 'Now with a clearer description.' })
    const entries = await world.core.audit.listFor(admin(), { type: 'store', id: store.id })
    expect(entries.map((e) => e.action)).toContain('store.resubmitted')
  })

  it('keeps an approved store approved when the seller edits it', async () => {
    const { seller } = await aStoreIn('approved')
    const edited = await world.core.stores.updateOwn(seller, { categories: ['shoes'] })
    expect(edited).toMatchObject({ status: 'approved', categories: ['shoes'] })
  })

  it('refuses edits to a closed store', async () => {
    const { seller } = await aStoreIn('closed')
    await expect(
      world.core.stores.updateOwn(seller, { description: 'Trying to come back.' }),
    ).rejects.toMatchObject({ code: 'store_closed' })
  })

  it('removes the logo when the seller sends null', async () => {
    const seller = aSellerCtx()
    await world.core.stores.register(seller, aStoreInput({ logoUrl: 'https://cdn.example/a.png' }))
    const edited = await world.core.stores.updateOwn(seller, { logoUrl: null })
    expect(edited.logoUrl).toBeUndefined()
  })
})

describe('reasons', () => {
  it.each(['reject', 'suspend'] as const)('%s refuses a blank reason', async (verb) => {
    const { store } = await aStoreIn(verb === 'reject' ? 'pending' : 'approved')
    await expect(
      world.core.stores[verb](admin(), store.id, { reason: '   ' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { reason: 'is required' },
    })
  })

  it('keeps the suspension reason on the store for the seller to read', async () => {
    const { store, seller } = await aStoreIn('approved')
    await world.core.stores.suspend(admin(), store.id, { reason: 'counterfeit sneakers' })
    expect(await world.core.stores.requireOwnStore(seller)).toMatchObject({
      status: 'suspended',
      statusReason: 'counterfeit sneakers',
    })
  })
})

describe('registration', () => {
  it('registers a pending store with a slug from its name and the default commission', async () => {
    const name = `Adé’s Ankara ${Date.now().toString(36)}`
    const store = await world.core.stores.register(aSellerCtx(), aStoreInput({ name }))
    expect(store).toMatchObject({ name, status: 'pending', commissionRateBps: 500 })
    expect(store.slug).toMatch(/^ades-ankara-[a-z0-9]+$/)
  })

  it('emits store.registered', async () => {
    const seen: string[] = []
    const off = world.core.events.on('store.registered', ({ storeId }) => {
      seen.push(storeId)
    })
    const store = await world.core.stores.register(aSellerCtx(), aStoreInput())
    await world.core.events.drain()
    off()
    expect(seen).toContain(store.id)
  })

  it('refuses a second store for the same seller', async () => {
    const seller = aSellerCtx()
    await world.core.stores.register(seller, aStoreInput())
    await expect(world.core.stores.register(seller, aStoreInput())).rejects.toMatchObject({
      code: 'store_exists',
    })
  })

  it('refuses a name that differs from a taken one only in case and spacing', async () => {
    const name = uniqueName('Lagos Lace')
    await world.core.stores.register(aSellerCtx(), aStoreInput({ name }))
    const variant = `  ${name.toUpperCase().replace(' ', '   ')} `
    await expect(
      world.core.stores.register(aSellerCtx(), aStoreInput({ name: variant })),
    ).rejects.toMatchObject({ code: 'store_name_taken' })
  })

  it('refuses a proposed slug that is taken', async () => {
    const slug = `lace-${Date.now().toString(36)}`
    await world.core.stores.register(aSellerCtx(), aStoreInput({ slug }))
    await expect(
      world.core.stores.register(aSellerCtx(), aStoreInput({ slug })),
    ).rejects.toMatchObject({ code: 'store_slug_taken' })
  })

  it('numbers a generated slug that another store already uses', async () => {
    const slug = `kente-${Date.now().toString(36)}`
    await world.core.stores.register(aSellerCtx(), aStoreInput({ slug }))
    const store = await world.core.stores.register(aSellerCtx(), aStoreInput({ name: slug }))
    expect(store.slug).toBe(`${slug}-2`)
  })

  it('ignores fields the schema does not allow even when a caller slips them in', async () => {
    const sneaky = { ...aStoreInput(), status: 'approved', commissionRateBps: 0 }
    const store = await world.core.stores.register(aSellerCtx(), sneaky as RegisterStoreBody)
    expect(store).toMatchObject({ status: 'pending', commissionRateBps: 500 })
  })

  it('refuses a buyer', async () => {
    await expect(
      world.core.stores.register(userCtx(newId(), 'buyer'), aStoreInput()),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })
})

describe('renaming', () => {
  it('refuses a new name another store has', async () => {
    const taken = (await world.core.stores.register(aSellerCtx(), aStoreInput())).name
    const seller = aSellerCtx()
    await world.core.stores.register(seller, aStoreInput())
    await expect(
      world.core.stores.updateOwn(seller, { name: taken.toLowerCase() }),
    ).rejects.toMatchObject({ code: 'store_name_taken' })
  })

  it('accepts a change of case in the store’s own name', async () => {
    const seller = aSellerCtx()
    const store = await world.core.stores.register(seller, aStoreInput())
    const edited = await world.core.stores.updateOwn(seller, { name: store.name.toUpperCase() })
    expect(edited.name).toBe(store.name.toUpperCase())
  })
})

describe('ownership', () => {
  it('answers not_found to a seller without a store', async () => {
    await expect(world.core.stores.requireOwnStore(aSellerCtx())).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('gives each seller only their own store', async () => {
    const a = await aStoreIn('pending')
    const b = await aStoreIn('pending')
    expect((await world.core.stores.requireOwnStore(b.seller)).id).toBe(b.store.id)
    expect((await world.core.stores.requireOwnStore(a.seller)).id).toBe(a.store.id)
  })

  it('refuses a seller the administrators’ view of a store', async () => {
    const { store, seller } = await aStoreIn('pending')
    await expect(world.core.stores.get(seller, store.id)).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it.each(['approve', 'reinstate', 'close'] as const)(
    'refuses a seller the %s decision',
    async (verb) => {
      const { store, seller } = await aStoreIn('pending')
      await expect(world.core.stores[verb](seller, store.id, {})).rejects.toMatchObject({
        code: 'forbidden',
      })
    },
  )
})

describe('decisions: mail, audit, events', () => {
  async function aRealSellerStore() {
    const seller = await aVerifiedUser(world, 'seller')
    const ctx = userCtx(seller.user.id, 'seller', world.clock.now())
    const store = await world.core.stores.register(ctx, aStoreInput())
    return { ...seller, ctx, store }
  }

  it('emails the seller’s account when the store is approved', async () => {
    const { email, store } = await aRealSellerStore()
    await world.core.stores.approve(admin(), store.id)
    const mail = await world.smtp.waitFor(email, /is approved/)
    expect(mail.links).toContain(`http://localhost:8080/stores/${store.slug}`)
  })

  it('emails the reason when the store is rejected', async () => {
    const { email, store } = await aRealSellerStore()
    await world.core.stores.reject(admin(), store.id, { reason: 'logo shows a competitor brand' })
    const mail = await world.smtp.waitFor(email, /not approved/)
    expect(mail.text).toContain('logo shows a competitor brand')
  })

  it('emails the reason when the store is suspended', async () => {
    const { email, store } = await aRealSellerStore()
    await world.core.stores.approve(admin(), store.id)
    await world.core.stores.suspend(admin(), store.id, { reason: 'counterfeit bags' })
    const mail = await world.smtp.waitFor(email, /is suspended/)
    expect(mail.text).toContain('counterfeit bags')
  })

  it('records each decision in the audit log with the administrator and reason', async () => {
    const { store } = await aStoreIn('approved')
    await world.core.stores.suspend(admin(), store.id, { reason: 'late shipments' })
    const entries = await world.core.audit.listFor(admin(), { type: 'store', id: store.id })
    expect(entries[0]).toMatchObject({
      action: 'store.suspended',
      reason: 'late shipments',
      actor: 'admin-cli:cli-test(tester)',
      details: { from: 'approved', to: 'suspended' },
    })
    expect(entries.map((e) => e.action)).toContain('store.approved')
  })

  it.each([
    ['store.approved', 'pending', 'approve'],
    ['store.rejected', 'pending', 'reject'],
    ['store.suspended', 'approved', 'suspend'],
    ['store.reinstated', 'suspended', 'reinstate'],
    ['store.closed', 'approved', 'close'],
  ] as const)('emits %s with the store id', async (event, from, verb) => {
    const { store } = await aStoreIn(from)
    const seen: string[] = []
    const off = world.core.events.on(event, ({ storeId }) => {
      seen.push(storeId)
    })
    await world.core.stores[verb](admin(), store.id, { reason: 'because' })
    await world.core.events.drain()
    off()
    expect(seen).toEqual([store.id])
  })

  it('lets only one of two simultaneous decisions win', async () => {
    const { store } = await aStoreIn('pending')
    const results = await Promise.allSettled([
      world.core.stores.approve(admin(), store.id),
      world.core.stores.reject(admin(), store.id, { reason: 'duplicate shop' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const loser = results.find((r) => r.status === 'rejected')
    expect((loser as PromiseRejectedResult).reason).toMatchObject({
      code: expect.stringMatching(/^(changed_meanwhile|invalid_transition)$/),
    })
  })
})

describe('holiday mode and what buyers see', () => {
  const inDays = (days: number) => new Date(world.clock.now().getTime() + days * 86_400_000)

  it('shows an approved store publicly without its contact details', async () => {
    const { store } = await aStoreIn('approved')
    const shown = await world.core.stores.getPublic(anonCtx(world.clock.now()), store.slug)
    expect(shown).toEqual({
      id: store.id,
      name: store.name,
      slug: store.slug,
      description: store.description,
      categories: store.categories,
      city: 'Lagos',
    })
  })

  it.each(['pending', 'rejected', 'suspended', 'closed'] as const)(
    'hides a %s store from the public',
    async (status) => {
      const { store } = await aStoreIn(status)
      await expect(
        world.core.stores.getPublic(anonCtx(world.clock.now()), store.slug),
      ).rejects.toMatchObject({ code: 'not_found' })
    },
  )

  it('takes a store on holiday out of the sellable stores until the date, status unchanged', async () => {
    const { store, seller } = await aStoreIn('approved')
    const onHoliday = await world.core.stores.setHoliday(seller, { until: inDays(3).toISOString() })
    expect(onHoliday).toMatchObject({ status: 'approved', closedUntil: inDays(3).toISOString() })
    expect(await world.core.stores.sellableStoreIds(inDays(1))).not.toContain(store.id)
    expect(await world.core.stores.sellableStoreIds(inDays(4))).toContain(store.id)
  })

  it('hides a store on holiday from its public page', async () => {
    const { store, seller } = await aStoreIn('approved')
    await world.core.stores.setHoliday(seller, { until: inDays(3).toISOString() })
    await expect(
      world.core.stores.getPublic(anonCtx(world.clock.now()), store.slug),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('ends holiday mode early with null', async () => {
    const { store, seller } = await aStoreIn('approved')
    await world.core.stores.setHoliday(seller, { until: inDays(3).toISOString() })
    const back = await world.core.stores.setHoliday(seller, { until: null })
    expect(back.closedUntil).toBeUndefined()
    expect(await world.core.stores.sellableStoreIds(world.clock.now())).toContain(store.id)
  })

  it('refuses a holiday that ends in the past', async () => {
    const { seller } = await aStoreIn('approved')
    await expect(
      world.core.stores.setHoliday(seller, { until: inDays(-1).toISOString() }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { until: 'must be in the future' },
    })
  })

  it('leaves suspended stores out of the sellable stores', async () => {
    const { store } = await aStoreIn('suspended')
    expect(await world.core.stores.sellableStoreIds(world.clock.now())).not.toContain(store.id)
  })
})

describe('lookups for other features and administrators', () => {
  it('returns known stores by id and leaves unknown ids out', async () => {
    const { store } = await aStoreIn('pending')
    const found = await world.core.stores.getStores([store.id, newId(), 'not-an-id'])
    expect(found.map((s) => s.id)).toEqual([store.id])
  })

  it('answers not_found for an unknown store id', async () => {
    await expect(world.core.stores.getStore(newId())).rejects.toMatchObject({ code: 'not_found' })
  })

  it('finds a store by slug for administrators', async () => {
    const { store } = await aStoreIn('pending')
    expect((await world.core.stores.get(admin(), store.slug)).id).toBe(store.id)
  })

  it('lists stores by status a page at a time, newest first', async () => {
    const first = await aStoreIn('rejected')
    const second = await aStoreIn('rejected')
    const page1 = await world.core.stores.list(admin(), { status: 'rejected', limit: 1 })
    expect(page1.items.map((s) => s.id)).toEqual([second.store.id])
    const page2 = await world.core.stores.list(admin(), {
      status: 'rejected',
      limit: 1,
      cursor: page1.nextCursor!,
    })
    expect(page2.items.map((s) => s.id)).toEqual([first.store.id])
  })
})
