import { describe, expect, it } from '@jest/globals'
import { formFields } from './page.js'

const FORM = 'application/x-www-form-urlencoded'

describe('formFields', () => {
  it('keeps only the named fields of a form', async () => {
    const request = new Request('http://localhost/reset', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'password=s3cret-enough&extra=dropped',
    })
    expect(await formFields(request, ['password', 'token'])).toEqual({
      password: 's3cret-enough',
      token: undefined,
    })
  })

  it('reads a form that streams on past 8 KiB as empty, without reading the rest', async () => {
    const seen = { pulls: 0, cancelled: false }
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        seen.pulls++
        controller.enqueue(new TextEncoder().encode('a=b&'.repeat(256)))
      },
      cancel() {
        seen.cancelled = true
      },
    })
    const request = new Request('http://localhost/reset', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(await formFields(request, ['a'])).toEqual({})
    // 1 KiB a pull: the 8 KiB cap, the chunk that crossed it, and one the stream queued itself.
    expect(seen.pulls).toBeLessThanOrEqual(11)
    expect(seen.cancelled).toBe(true)
  })
})
