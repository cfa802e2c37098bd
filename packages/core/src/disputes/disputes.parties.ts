import { sanitizeImage } from '../images/image.sanitizer.js'
import type { UploadedFile } from '../images/images.service.js'
import { type Ctx, requireUser } from '../shared/ctx.js'
import { InvalidStateError, NotFoundError } from '../shared/errors.js'
import { validateInput } from '../shared/validate.js'
import { toDisputeDTO } from './dispute.dto.js'
import {
  assertDisputable,
  assertOpen,
  assertParty,
  DAY_MS,
  DISPUTE_CLOCKS,
  disputeOpen,
  evidenceOf,
  MAX_DISPUTE_PHOTOS,
  openKeyOf,
  settlementOf,
} from './dispute.rules.js'
import {
  type AcceptDisputeBody,
  type AnswerDisputeBody,
  acceptDisputeBody,
  answerDisputeBody,
  type DisputeNoteBody,
  disputeNoteBody,
  type EscalateDisputeBody,
  escalateDisputeBody,
  type OpenDisputeBody,
  openDisputeBody,
} from './dispute.schemas.js'
import type { DisputeDTO } from './dispute.types.js'
import type { DisputeDecisions } from './disputes.decisions.js'
import type { DisputeRecords } from './disputes.records.js'
import type { DisputesDeps } from './disputes.service.js'

/**
 * The parties' steps: the buyer opens and escalates, the seller answers or accepts, either (or an
 * administrator) adds notes and photos. Each is documented on `DisputesService`.
 */
export class DisputeParties {
  constructor(
    private deps: DisputesDeps,
    private records: DisputeRecords,
    private decisions: DisputeDecisions,
  ) {}

  async open(ctx: Ctx, orderId: string, input: OpenDisputeBody): Promise<DisputeDTO> {
    const buyerId = requireUser(ctx)
    const body = validateInput(openDisputeBody, input)
    const order = await this.records.orderFor(orderId)
    if (order.buyerId !== buyerId) throw new NotFoundError('Order')
    assertDisputable(order, ctx.now)
    const existing = await this.deps.disputes
      .findOne({ openKey: openKeyOf('platform', orderId) })
      .lean()
    if (existing) throw disputeOpen(existing)
    await this.deps.orders.dispute(ctx, orderId, { reason: `${body.reason}: ${body.description}` })
    const sellerDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.sellerDays * DAY_MS)
    const doc = await this.records.create(ctx, order, {
      source: 'platform',
      status: 'awaiting_seller',
      reason: body.reason,
      description: body.description,
      sellerDueAt,
      evidence: [],
      step: {
        step: 'opened',
        headline: 'a dispute was opened',
        detail: `Reason: ${body.reason.replaceAll('_', ' ')}. ${body.description} The seller has until ${sellerDueAt.toISOString()} to accept or answer.`,
      },
    })
    return toDisputeDTO(doc)
  }

  async addNote(ctx: Ctx, disputeId: string, input: DisputeNoteBody): Promise<DisputeDTO> {
    const body = validateInput(disputeNoteBody, input)
    const { doc, party } = await this.records.visible(ctx, disputeId)
    return toDisputeDTO(
      await this.records.addEvidence(
        ctx,
        doc,
        party,
        { kind: 'note', text: body.note },
        'a note was added',
      ),
    )
  }

  async addPhoto(ctx: Ctx, disputeId: string, file: UploadedFile): Promise<DisputeDTO> {
    const { doc, party } = await this.records.visible(ctx, disputeId)
    assertOpen(doc)
    if (doc.evidence.filter((e) => e.kind === 'photo').length >= MAX_DISPUTE_PHOTOS) {
      throw new InvalidStateError(
        `A dispute carries at most ${MAX_DISPUTE_PHOTOS} photos`,
        'too_many_photos',
      )
    }
    const image = await sanitizeImage(file.bytes)
    const stored = await this.deps.images.put(image)
    const photo = {
      url: stored.url,
      storageKey: stored.storageKey,
      store: this.deps.images.kind,
      width: image.width,
      height: image.height,
    }
    return toDisputeDTO(
      await this.records.addEvidence(
        ctx,
        doc,
        party,
        { kind: 'photo', photo },
        'a photo was added',
      ),
    )
  }

  async answer(ctx: Ctx, disputeId: string, input: AnswerDisputeBody): Promise<DisputeDTO> {
    const body = validateInput(answerDisputeBody, input)
    const { doc, party } = await this.records.visible(ctx, disputeId)
    assertParty(party, 'seller')
    const buyerDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.buyerDays * DAY_MS)
    const moved = await this.records.move(ctx, doc, 'seller', 'seller_answered', {
      set: { buyerDueAt },
      evidence: evidenceOf(ctx, 'seller', { kind: 'note', text: body.message }),
      step: {
        step: 'answered',
        headline: 'the seller answered',
        detail: `${body.message} The buyer may escalate to KlosetStore until ${buyerDueAt.toISOString()}; otherwise the case closes and the seller is paid.`,
      },
    })
    return toDisputeDTO(moved)
  }

  async accept(ctx: Ctx, disputeId: string, input: AcceptDisputeBody): Promise<DisputeDTO> {
    const body = validateInput(acceptDisputeBody, input)
    const { doc, party } = await this.records.visible(ctx, disputeId)
    assertParty(party, 'seller')
    const order = await this.records.orderFor(doc.orderId)
    const settlement = settlementOf(order, {
      decision: 'refund',
      refund: body.refund,
      ...(body.amount !== undefined ? { amount: body.amount } : {}),
      reason: body.message ?? 'the seller accepted the claim',
    })
    return toDisputeDTO(await this.decisions.settle(ctx, doc, 'seller', settlement))
  }

  async escalate(ctx: Ctx, disputeId: string, input: EscalateDisputeBody): Promise<DisputeDTO> {
    const body = validateInput(escalateDisputeBody, input)
    const { doc, party } = await this.records.visible(ctx, disputeId)
    assertParty(party, 'buyer')
    return toDisputeDTO(
      await this.decisions.escalateAs(ctx, doc, 'buyer', body.note ?? 'the buyer escalated'),
    )
  }
}
