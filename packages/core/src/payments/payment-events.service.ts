import { type Ctx, requireRole } from '../shared/ctx.js'
import { ForbiddenError, UnauthorizedError, ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { issuesToDetails, validateInput } from '../shared/validate.js'
import { type ParsedPaystackEvent, paystackEventKey } from './payment-event.keys.js'
import type { PaymentEventDoc, PaymentEventModel } from './payment-event.model.js'
import {
  type ListPaymentEventsQueryInput,
  listPaymentEventsQuery,
} from './payment-event.schemas.js'
import type { PaymentEventDTO, VerifiedPaymentEvent } from './payment-event.types.js'
import {
  KNOWN_WEBHOOK_EVENTS,
  knownWebhookEventSchema,
  webhookEnvelopeSchema,
} from './paystack/paystack.schemas.js'
import { verifyPaystackSignature } from './paystack/paystack.signature.js'

export interface PaymentEventsDeps {
  paymentEvents: PaymentEventModel
  events: EventBus
  logger: Logger
  paystack: {
    /** The key Paystack signs webhooks with (there is no separate webhook secret). */
    secretKey: string
    /** When set, deliveries from any other address are refused. */
    webhookIps?: readonly string[]
  }
}

/** A raw webhook delivery, as the HTTP edge received it. */
export interface PaystackWebhookDelivery {
  rawBody: Uint8Array
  signature: string | null
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

// IPv4 clients on a dual-stack socket show up as `::ffff:a.b.c.d`.
const plainIp = (ip: string | undefined) => ip?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')

function toDTO(row: PaymentEventDoc): PaymentEventDTO {
  return {
    id: String(row._id),
    key: row.key,
    provider: row.provider,
    event: row.event,
    reference: row.reference ?? null,
    status: row.status ?? null,
    receivedAt: row.receivedAt.toISOString(),
  }
}

/**
 * Payment provider events: verified, stored once, announced once. The consumers that act on
 * them (orders on `charge.success`, payouts on `transfer.*`) subscribe to
 * `paystack.event_received` and must themselves be idempotent on the event key.
 */
export class PaymentEventsService {
  constructor(private deps: PaymentEventsDeps) {}

  /**
   * Takes one Paystack webhook delivery: checks its source (when restricted) and signature
   * before reading it, parses it, and records it once.
   * @throws ForbiddenError from an address outside PAYSTACK_WEBHOOK_IPS, UnauthorizedError for a
   * missing or wrong signature, ValidationError for a body that is not a Paystack event; none of
   * them records anything.
   */
  async receivePaystackWebhook(
    ctx: Ctx,
    delivery: PaystackWebhookDelivery,
  ): Promise<{ duplicate: boolean; eventKey: string }> {
    const { paystack, logger } = this.deps
    const ip = plainIp(ctx.ip)
    if (paystack.webhookIps && !(ip && paystack.webhookIps.includes(ip))) {
      logger.warn({ ip, requestId: ctx.requestId }, 'paystack webhook from an address not allowed')
      throw new ForbiddenError('Webhook source not allowed', 'webhook_source_forbidden')
    }
    if (!verifyPaystackSignature(paystack.secretKey, delivery.rawBody, delivery.signature)) {
      logger.warn(
        { ip, requestId: ctx.requestId, signed: Boolean(delivery.signature) },
        'paystack webhook with a bad signature',
      )
      throw new UnauthorizedError('Invalid webhook signature', 'invalid_signature')
    }
    const rawBody = this.decode(delivery.rawBody)
    const event = this.parse(rawBody)
    const identity = paystackEventKey(event, rawBody)
    const verified: VerifiedPaymentEvent = {
      key: identity.key,
      event: event.event.event,
      reference: identity.reference,
      status: identity.status,
      rawBody,
    }
    const { duplicate } = await this.record(ctx, verified)
    return { duplicate, eventKey: identity.key }
  }

  /**
   * Stores a verified event unless its key was seen before; only the first copy is announced
   * (`paystack.event_received`). Safe under concurrent deliveries: the unique index decides.
   */
  async record(ctx: Ctx, event: VerifiedPaymentEvent): Promise<{ duplicate: boolean }> {
    try {
      await this.deps.paymentEvents.create({
        key: event.key,
        provider: 'paystack',
        event: event.event,
        ...(event.reference ? { reference: event.reference } : {}),
        ...(event.status ? { status: event.status } : {}),
        rawBody: event.rawBody,
        receivedAt: ctx.now,
        ...(ctx.ip ? { sourceIp: ctx.ip } : {}),
        requestId: ctx.requestId,
      })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      this.deps.logger.info({ eventKey: event.key }, 'paystack event already recorded')
      return { duplicate: true }
    }
    this.deps.logger.info({ eventKey: event.key, event: event.event }, 'paystack event recorded')
    await this.deps.events.emit('paystack.event_received', {
      eventKey: event.key,
      paystackEvent: event.event,
      reference: event.reference,
    })
    return { duplicate: false }
  }

  /**
   * The `data` of a recorded event, for consumers that need more than the reference (seller
   * plans read the subscription and invoice codes). Null for an unknown key.
   */
  async dataOf(eventKey: string): Promise<Record<string, unknown> | null> {
    const row = await this.deps.paymentEvents.findOne({ key: eventKey }).lean()
    if (!row) return null
    const envelope = webhookEnvelopeSchema.safeParse(JSON.parse(row.rawBody))
    return envelope.success ? envelope.data.data : null
  }

  /** The event log, newest first, for administrators (20 events when no `limit` is given). */
  async list(ctx: Ctx, input: ListPaymentEventsQueryInput): Promise<Page<PaymentEventDTO>> {
    requireRole(ctx, 'admin')
    const query = validateInput(listPaymentEventsQuery, input)
    const filter: Record<string, unknown> = {}
    if (query.reference) filter.reference = query.reference
    if (query.event) filter.event = query.event
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.paymentEvents
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toDTO, idCursorOf)
  }

  /**
   * The card a charge was paid with (Paystack's `authorization.signature`, the same for every
   * use of one card), from the stored `charge.success` of the reference; fraud counts by it.
   */
  async cardSignatureOf(reference: string): Promise<string | undefined> {
    const event = await this.deps.paymentEvents
      .findOne({ reference, event: 'charge.success' })
      .lean()
    if (!event) return undefined
    try {
      const body = JSON.parse(event.rawBody) as {
        data?: { authorization?: { signature?: unknown } }
      }
      const signature = body.data?.authorization?.signature
      return typeof signature === 'string' && signature ? signature : undefined
    } catch {
      return undefined
    }
  }

  private decode(rawBody: Uint8Array): string {
    try {
      return strictUtf8.decode(rawBody)
    } catch {
      throw new ValidationError('Webhook body is not valid JSON', undefined, 'invalid_json')
    }
  }

  private parse(rawBody: string): ParsedPaystackEvent {
    let value: unknown
    try {
      value = JSON.parse(rawBody)
    } catch {
      throw new ValidationError('Webhook body is not valid JSON', undefined, 'invalid_json')
    }
    const envelope = webhookEnvelopeSchema.safeParse(value)
    if (!envelope.success) {
      throw new ValidationError(
        'Webhook body is not a Paystack event',
        issuesToDetails(envelope.error),
        'invalid_event',
      )
    }
    if (!KNOWN_WEBHOOK_EVENTS.has(envelope.data.event))
      return { kind: 'other', event: envelope.data }
    const known = knownWebhookEventSchema.safeParse(value)
    if (!known.success) {
      // Signed by Paystack yet not the shape we rely on: refuse (Paystack retries) and say so
      // loudly, rather than record something the consumers would misread.
      this.deps.logger.error(
        { event: envelope.data.event, fields: Object.keys(issuesToDetails(known.error)) },
        'paystack event in an unexpected shape',
      )
      throw new ValidationError(
        'Webhook body is not a Paystack event',
        issuesToDetails(known.error),
        'invalid_event',
      )
    }
    return { kind: 'known', event: known.data }
  }
}
