import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCliOptions } from './cli.js'
import { startSandbox, transactionDataSchema } from './index.js'
import {
  apiFor,
  dataOf,
  paidTransaction,
  SECRET,
  startHarness,
} from './test-support/sandbox-client.js'

describe('startSandbox', () => {
  it('refuses a live secret key', async () => {
    await expect(startSandbox({ secretKey: 'sk_live_oops' })).rejects.toThrow('sk_test_')
  })

  it('builds checkout links on the public URL when one is given', async () => {
    const sandbox = await startSandbox({ secretKey: SECRET, publicUrl: 'https://pay.dev.example/' })
    try {
      const response = await apiFor(sandbox.url).post('/transaction/initialize', {
        email: 'ada@example.com',
        amount: 500_000,
      })
      expect(response.body).toMatchObject({
        data: {
          authorization_url: expect.stringMatching(/^https:\/\/pay\.dev\.example\/checkout\//),
        },
      })
    } finally {
      await sandbox.stop()
    }
  })

  it('hides the control endpoints when they are turned off', async () => {
    const sandbox = await startSandbox({ secretKey: SECRET, controlEndpoints: false })
    try {
      const api = apiFor(sandbox.url)
      expect((await api.post('/__sandbox/flush')).status).toBe(404)
      expect((await api.get('/__sandbox/health')).status).toBe(200)
    } finally {
      await sandbox.stop()
    }
  })

  it('keeps state across a restart when given a persist file, and resumes pending transfers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paystack-sandbox-'))
    const persistFile = join(dir, 'state.json')
    try {
      const first = await startHarness({ persistFile, transferDelayMs: 'manual' })
      const paid = await paidTransaction(first, { amount: 1_000_000, reference: 'kept-1' })
      const recipient = await first.api.post('/transferrecipient', {
        type: 'nuban',
        name: 'Seller',
        account_number: '0123456789',
        bank_code: '058',
      })
      const code = (recipient.body as { data: { recipient_code: string } }).data.recipient_code
      await first.api.post('/transfer', {
        source: 'balance',
        amount: 300_000,
        recipient: code,
        reference: 'kept-transfer-0001',
      })
      await first.close()
      expect(JSON.parse(readFileSync(persistFile, 'utf8'))).toMatchObject({ version: 1 })

      const second = await startHarness({ persistFile, transferDelayMs: 0 })
      try {
        const verified = dataOf(
          await second.api.get(`/transaction/verify/${paid.reference}`),
          transactionDataSchema,
        )
        expect(verified.status).toBe('success')
        await second.sandbox.flush()
        expect(second.sandbox.state.transfers[0]?.status).toBe('success')
        expect(second.sandbox.state.balances.NGN).toBe(700_000)
      } finally {
        await second.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('forgets everything on reset but keeps the webhook URL', async () => {
    const h = await startHarness()
    try {
      await paidTransaction(h)
      const response = await h.api.post('/__sandbox/reset')
      expect(response.status).toBe(200)
      const state = await h.api.get('/__sandbox/state')
      expect(state.body).toMatchObject({
        data: { transactions: [], webhookUrl: h.receiver.url, balances: { NGN: 0 } },
      })
    } finally {
      await h.close()
    }
  })

  it('answers 405 for a known path with the wrong method and 400 for broken JSON', async () => {
    const h = await startHarness()
    try {
      const wrongMethod = await fetch(`${h.sandbox.url}/transaction/initialize`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${SECRET}` },
      })
      expect(wrongMethod.status).toBe(405)
      const broken = await fetch(`${h.sandbox.url}/transaction/initialize`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: '{"email":',
      })
      expect(broken.status).toBe(400)
    } finally {
      await h.close()
    }
  })
})

describe('CLI options', () => {
  it('reads every flag', () => {
    const { options, json } = parseCliOptions(
      [
        '--port',
        '8090',
        '--secret-key',
        'sk_test_cli',
        '--webhook-url',
        'http://127.0.0.1:3000/hooks',
        '--persist-file',
        '.data/paystack.json',
        '--transfer-delay-ms',
        'manual',
        '--refund-delay-ms',
        '0',
        '--webhook-retry-schedule',
        '10,20',
        '--merchant-name',
        'Kloset',
        '--fee-model',
        'none',
        '--json',
      ],
      {},
    )
    expect(json).toBe(true)
    expect(options).toMatchObject({
      port: 8090,
      secretKey: 'sk_test_cli',
      webhookUrl: 'http://127.0.0.1:3000/hooks',
      persistFile: '.data/paystack.json',
      transferDelayMs: 'manual',
      refundDelayMs: 0,
      webhookRetrySchedule: [10, 20],
      merchantName: 'Kloset',
      feeModel: 'none',
    })
  })

  it('falls back to PAYSTACK_SECRET_KEY and refuses malformed values', () => {
    expect(parseCliOptions([], { PAYSTACK_SECRET_KEY: 'sk_test_env' }).options.secretKey).toBe(
      'sk_test_env',
    )
    expect(() => parseCliOptions(['--port', 'abc'], {})).toThrow('--port')
    expect(() => parseCliOptions(['--transfer-delay-ms', 'soon'], {})).toThrow('manual')
    expect(() => parseCliOptions(['--unknown'], {})).toThrow()
  })
})
