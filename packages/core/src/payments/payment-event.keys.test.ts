import { describe, expect, it } from '@jest/globals'
import { paystackEventKey } from './payment-event.keys.js'

const charge = {
  kind: 'known' as const,
  event: {
    event: 'charge.success' as const,
    data: {
      id: 4099,
      reference: 'ord-1',
      status: 'success',
      amount: 500_000,
      currency: 'NGN' as const,
    },
  },
}

const transfer = (status: string, event: 'transfer.success' | 'transfer.reversed') => ({
  kind: 'known' as const,
  event: {
    event,
    data: {
      id: 77,
      transfer_code: 'TRF_abc',
      reference: 'payout_0123456789ab',
      status,
      amount: 100_000,
      currency: 'NGN' as const,
    },
  },
})

const refund = (
  event: 'refund.pending' | 'refund.processed',
  status: string,
  refundReference: string | null,
) => ({
  kind: 'known' as const,
  event: {
    event,
    data: {
      status,
      transaction_reference: 'ord-1',
      refund_reference: refundReference,
      amount: '5000',
      currency: 'NGN' as const,
    },
  },
})

describe('paystackEventKey', () => {
  it('keys a charge by event, transaction id and status, with its reference', () => {
    expect(paystackEventKey(charge, '{}')).toEqual({
      key: 'charge.success:4099:success',
      reference: 'ord-1',
      status: 'success',
    })
  })

  it('keys a transfer by event, transfer id, status and transfer code', () => {
    expect(paystackEventKey(transfer('success', 'transfer.success'), '{}')).toEqual({
      key: 'transfer.success:77:success:TRF_abc',
      reference: 'payout_0123456789ab',
      status: 'success',
    })
  })

  it('gives a transfer that is later reversed a new key', () => {
    const success = paystackEventKey(transfer('success', 'transfer.success'), '{}')
    const reversed = paystackEventKey(transfer('reversed', 'transfer.reversed'), '{}')
    expect(reversed.key).not.toBe(success.key)
  })

  it('keys a pending refund by its transaction and amount, having no refund reference yet', () => {
    expect(paystackEventKey(refund('refund.pending', 'pending', null), '{}').key).toBe(
      'refund.pending:ord-1:5000:pending',
    )
  })

  it('keys a processed refund by its refund reference', () => {
    expect(paystackEventKey(refund('refund.processed', 'processed', 'RFD_1'), '{}').key).toBe(
      'refund.processed:ord-1:RFD_1:processed',
    )
  })

  it('keys an event we do not model by its data id and status', () => {
    const dispute = {
      kind: 'other' as const,
      event: {
        event: 'charge.dispute.create',
        data: { id: 12, status: 'awaiting-merchant-feedback' },
      },
    }
    expect(paystackEventKey(dispute, '{}').key).toBe(
      'charge.dispute.create:12:awaiting-merchant-feedback',
    )
  })

  it('keys an event with nothing to identify it by the hash of its body', () => {
    const bare = { kind: 'other' as const, event: { event: 'paymentrequest.pending', data: {} } }
    const first = paystackEventKey(bare, '{"event":"paymentrequest.pending","data":{}}')
    const other = paystackEventKey(bare, '{"event":"paymentrequest.pending","data":{} }')
    expect(first.key).toMatch(/^paymentrequest\.pending:sha256-[0-9a-f]{64}:$/)
    expect(other.key).not.toBe(first.key)
  })

  it('bounds the key length whatever the payload holds', () => {
    const long = {
      kind: 'other' as const,
      event: { event: 'x.y', data: { reference: 'r'.repeat(5_000) } },
    }
    expect(paystackEventKey(long, '{}').key.length).toBeLessThanOrEqual(300)
  })
})
