import { afterAll, beforeAll } from '@jest/globals'
import { createTestWorld, type TestWorld, type TestWorldOptions } from './harness.js'
import { createPaystackWorld, type PaystackWorld } from './order-builders.js'

/**
 * Stands for an object a `beforeAll` hook makes, so a test file can say
 * `const world = testWorldForSuite()` at its top instead of `let world` plus an assignment.
 * Reads go to the object once it exists; a read before the hook ran throws and says so.
 */
export function lateBound<T extends object>(name: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current()
    if (value === undefined)
      throw new Error(`${name} is made in beforeAll: use it inside hooks and tests only`)
    return value
  }
  return new Proxy({} as T, {
    get(_, key) {
      // `await` asks any value for `then`: answer for an object not made yet rather than throw.
      if (key === 'then' && current() === undefined) return undefined
      const value = target()
      const property: unknown = Reflect.get(value, key, value)
      return typeof property === 'function' ? property.bind(value) : property
    },
    set: (_, key, property) => Reflect.set(target(), key, property),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
      return descriptor && { ...descriptor, configurable: true }
    },
  })
}

/** What the suite's helpers made and still have to close, in the order they made it. */
const open: { close(): Promise<void> }[] = []

/** Registers the hooks of `madeForSuite`; returns what is made so far (undefined before). */
function madeInHooks<T>(make: () => Promise<T>, close: (made: T) => Promise<void>) {
  let made: T | undefined
  let depth = -1
  beforeAll(async () => {
    made = await make()
    depth = open.push({ close: () => close(made as T) }) - 1
  })
  afterAll(async () => {
    while (depth >= 0 && open.length > depth) await open.pop()?.close()
  })
  return () => made
}

/**
 * Makes a thing in a `beforeAll` hook and closes it in an `afterAll` hook, things made later
 * (a server on the world) closed first whichever hook jest runs first; `name` is for the error a
 * read before the hook ran throws.
 */
export function madeForSuite<T extends object>(
  name: string,
  make: () => Promise<T>,
  close: (made: T) => Promise<void>,
): T {
  return lateBound(name, madeInHooks(make, close))
}

/** A test world made before the suite's tests (`createTestWorld(options)`) and closed after them. */
export function testWorldForSuite(options: TestWorldOptions = {}): TestWorld {
  return madeForSuite(
    'the suite’s test world',
    () => createTestWorld(options),
    (world) => world.close(),
  )
}

/**
 * A Paystack sandbox world made before the suite's tests (`createPaystackWorld(options)`), its
 * balance funded with `topUp` kobo when given, and closed after them.
 */
export function paystackWorldForSuite(
  options: Parameters<typeof createPaystackWorld>[0] & { topUp?: number } = {},
): { pw: PaystackWorld; world: TestWorld } {
  const { topUp, ...worldOptions } = options
  const current = madeInHooks(
    async () => {
      const made = await createPaystackWorld(worldOptions)
      if (topUp) made.sandbox.topUp(topUp)
      return made
    },
    (made) => made.close(),
  )
  return {
    pw: lateBound('the suite’s Paystack world', current),
    world: lateBound('the suite’s test world', () => current()?.world),
  }
}
