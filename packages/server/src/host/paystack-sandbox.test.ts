import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { loadConfig, PaystackClient } from '@kloset/core'
import { type LocalPaystack, startLocalPaystack } from './paystack-sandbox.js'

let dataDir: string
let started: LocalPaystack | undefined
let blocker: Server | undefined

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kloset-local-paystack-'))
})
afterEach(async () => {
  await started?.sandbox?.stop()
  started = undefined
  if (blocker) await new Promise<void>((done) => blocker?.close(() => done()))
  blocker = undefined
  await rm(dataDir, { recursive: true, force: true })
})

async function occupiedPort(): Promise<number> {
  blocker = createServer()
  await new Promise<void>((done) => blocker?.listen(0, '127.0.0.1', done))
  const address = blocker.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('startLocalPaystack (npm start)', () => {
  it('runs the sandbox with the data directory key and points the configuration at it', async () => {
    started = await startLocalPaystack(loadConfig({ DATA_DIR: dataDir, PORT: '0' }))
    const { sandbox, config } = started
    expect(sandbox?.secretKey).toBe(config.paystack.secretKey)
    expect(config.paystack.baseUrl).toBe(sandbox?.url)
    const client = new PaystackClient({
      secretKey: config.paystack.secretKey,
      baseUrl: config.paystack.baseUrl,
    })
    expect(await client.fetchBalance()).toContainEqual({ currency: 'NGN', balance: 0 })
    expect(started.banner).toContain(sandbox?.url)
  })

  it('moves the sandbox to a free port when its planned port is taken', async () => {
    const taken = await occupiedPort()
    started = await startLocalPaystack(
      loadConfig({ DATA_DIR: dataDir, PAYSTACK_SANDBOX_PORT: String(taken) }),
    )
    expect(started.sandbox?.port).toBeGreaterThan(0)
    expect(started.sandbox?.port).not.toBe(taken)
  })

  it('keeps the sandbox state in the data directory', async () => {
    started = await startLocalPaystack(loadConfig({ DATA_DIR: dataDir, PORT: '0' }))
    await started.sandbox?.stop()
    started = undefined
    expect(existsSync(join(dataDir, 'paystack-sandbox.json'))).toBe(true)
  })

  it('starts nothing when a Paystack key is configured', async () => {
    started = await startLocalPaystack(
      loadConfig({ DATA_DIR: dataDir, PAYSTACK_SECRET_KEY: 'sk_test_abc123' }),
    )
    expect(started.sandbox).toBeUndefined()
    expect(started.config.paystack.baseUrl).toBe('https://api.paystack.co')
    expect(started.banner).toBe('Paystack test mode at https://api.paystack.co')
  })
})
