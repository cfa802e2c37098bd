import {
  madeForSuite,
  type PaystackWorld,
  paystackWorldForSuite,
  type TestWorld,
  type TestWorldOptions,
  testWorldForSuite,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from '../server.js'
import { createTestApi, type TestApi } from './api-harness.js'

// Suite-scoped set-up for server tests: each helper registers the `beforeAll` that makes its
// things and the `afterAll` that closes them (core's test-support/suite.ts), and returns
// stand-ins that a test file declares with `const` at its top.

/** The in-process API (`createTestApi`) on the suite's world, made once the world is. */
const apiForSuite = (world: TestWorld): TestApi =>
  madeForSuite(
    'the suite’s API',
    async () => createTestApi(world),
    async () => {},
  )

/** A test world (`createTestWorld(options)`) and its in-process API, made before the suite's tests. */
export function testApiForSuite(options: TestWorldOptions = {}): {
  world: TestWorld
  http: TestApi
} {
  const world = testWorldForSuite(options)
  return { world, http: apiForSuite(world) }
}

/** `paystackWorldForSuite(options)` and the in-process API on its world. */
export function paystackApiForSuite(options: Parameters<typeof paystackWorldForSuite>[0] = {}): {
  pw: PaystackWorld
  world: TestWorld
  http: TestApi
} {
  const { pw, world } = paystackWorldForSuite(options)
  return { pw, world, http: apiForSuite(world) }
}

/**
 * A live server on the suite's world (`startServer`, port 0 on 127.0.0.1 unless `options` say
 * otherwise), started after the world and closed before it.
 */
export function serverForSuite(
  world: TestWorld,
  options: Partial<Parameters<typeof startServer>[1]> = {},
): RunningServer {
  return madeForSuite(
    'the suite’s server',
    () => startServer(world.core, { port: 0, host: '127.0.0.1', ...options }),
    (server) => server.close(),
  )
}
