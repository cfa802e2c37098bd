import {
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
  type TestWorld,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from './api-harness.js'

/** What most route tests that pay through Paystack start from. */
export interface PaystackApi {
  pw: PaystackWorld
  world: TestWorld
  http: TestApi
  /** An administrator's access token ('' with `admin: false`). */
  adminToken: string
}

/**
 * A Paystack sandbox world, its in-process API, and (unless `admin: false`) a signed-in
 * administrator; `topUp` funds the sandbox's balance for transfers. Close it with `pw.close()`.
 */
export async function aPaystackApi(
  options: { admin?: boolean; topUp?: number } = {},
): Promise<PaystackApi> {
  const pw = await createPaystackWorld()
  const world = pw.world
  if (options.topUp) pw.sandbox.topUp(options.topUp)
  const http = createTestApi(world)
  const adminToken =
    options.admin === false ? '' : (await aVerifiedUser(world, 'admin')).session.accessToken
  return { pw, world, http, adminToken }
}
