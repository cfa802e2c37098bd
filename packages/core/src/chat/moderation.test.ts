import { CONTACT_POSITIVES, ORDINARY, PAYMENT_POSITIVES } from './moderation.corpus.js'
import { moderateMessage, normalizeForModeration, REDACTED } from './moderation.js'

const before = { contactAllowed: false }
const after = { contactAllowed: true }

describe('chat moderation rules', () => {
  it('normalizes case, look-alikes, number words and spacing', () => {
    const { base } = normalizeForModeration('Саll ZERO eight 0 3  1 2 3 4 5 6 7')
    expect(base).toBe('call 08031234567')
  })

  it('redacts a phone number and keeps the rest of the message', () => {
    const result = moderateMessage('Hi! call me on 0803 123 4567 tonight', before)
    expect(result).toMatchObject({
      action: 'redact',
      text: `Hi! call me on ${REDACTED} tonight`,
      reasons: ['phone'],
    })
  })

  it('lets contact details through once the buyer has a paid order with the store', () => {
    expect(moderateMessage('call me on 08031234567', after).action).toBe('allow')
  })

  it('blocks payment diversion even after a paid order', () => {
    const result = moderateMessage('GTBank 0123456789, pay me directly', after)
    expect(result.action).toBe('block')
    expect(result.reasons).toEqual(expect.arrayContaining(['pay_direct', 'bank_account']))
  })

  it('catches at least 90% of the contact details in the corpus', () => {
    const missed = CONTACT_POSITIVES.filter((m) => moderateMessage(m, before).action === 'allow')
    const recall = 1 - missed.length / CONTACT_POSITIVES.length
    console.log(`contact recall ${recall.toFixed(3)}; missed:`, missed)
    expect(recall).toBeGreaterThanOrEqual(0.9)
  })

  it('blocks at least 90% of the payment diversions in the corpus', () => {
    const missed = PAYMENT_POSITIVES.filter((m) => moderateMessage(m, after).action !== 'block')
    const recall = 1 - missed.length / PAYMENT_POSITIVES.length
    console.log(`payment recall ${recall.toFixed(3)}; missed:`, missed)
    expect(recall).toBeGreaterThanOrEqual(0.9)
  })

  it('flags under 2% of ordinary marketplace messages', () => {
    const flagged = ORDINARY.filter((m) => moderateMessage(m, before).action !== 'allow')
    const rate = flagged.length / ORDINARY.length
    console.log(`false positives ${flagged.length}/${ORDINARY.length}:`, flagged)
    expect(ORDINARY.length).toBeGreaterThanOrEqual(150)
    expect(rate).toBeLessThan(0.02)
  })
})
