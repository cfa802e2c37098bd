import {
  acceptDisputeBody,
  answerDisputeBody,
  type DisputeNoteBody,
  disputeNoteBody,
  escalateDisputeBody,
  listDisputesQuery,
  MAX_IMAGE_BYTES,
  resolveDisputeCaseBody,
} from '@kloset/core'
import { disputeBody, disputesPage } from '../contract/disputes.schemas.js'
import { readMultipartFile } from '../http/multipart.js'
import { json } from '../http/respond.js'
import { type Handler, route } from '../http/route.js'

const shoppers = ['buyer', 'seller'] as const
const seller = ['seller'] as const
const admin = ['admin'] as const
const photoUpload = {
  field: 'image',
  maxBytes: MAX_IMAGE_BYTES,
  accept: ['image/jpeg', 'image/png', 'image/webp'],
}
const photoResponses = {
  201: '{ dispute }, the photo last in its evidence',
  400: 'No file, or a corrupt image (invalid_image)',
  404: 'No such dispute of yours',
  409: 'Resolved (dispute_closed), or 10 photos already (too_many_photos)',
  413: 'Over 5 MB or 40 megapixels',
  415: 'Not a JPEG, PNG or WebP by its bytes',
}
const moveResponses = (extra: string) => ({
  200: '{ dispute }',
  400: 'Invalid body',
  403: 'Not your move in this state (transition_not_allowed)',
  404: 'No such dispute of yours',
  409: `${extra} (invalid_transition, changed_meanwhile)`,
})

/*
 * The same verbs for every party: core decides from the caller who may do what on which case
 * (a buyer's own cases, a seller's store's, any for an administrator).
 */
const showDispute: Handler = async (_req, { core, ctx, params }) =>
  json({ dispute: await core.disputes.get(ctx, params.id!) })
const addNote: Handler<DisputeNoteBody> = async (_req, { core, ctx, params, input }) =>
  json({
    dispute: await core.disputes.addNote(ctx, params.id!, input.body),
  })
const addPhoto: Handler = async (req, { core, ctx, params }) => {
  const file = await readMultipartFile(req, 'image', MAX_IMAGE_BYTES)
  return json({ dispute: await core.disputes.addPhoto(ctx, params.id!, file) }, 201)
}

/** The buyer's side of a dispute case (opening it is `POST /api/v1/orders/:id/dispute`). */
const buyerRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/disputes',
    auth: shoppers,
    tag: 'Disputes',
    summary: 'The signed-in buyer’s dispute cases, newest first',
    query: listDisputesQuery,
    response: disputesPage,
    responses: { 200: '{ items, nextCursor }' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.disputes.listOwn(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/disputes/:id',
    auth: shoppers,
    tag: 'Disputes',
    summary: 'One case with its deadlines, evidence and history (its buyer or its store’s seller)',
    response: disputeBody,
    responses: { 200: '{ dispute }', 404: 'No such dispute of yours' },
    handler: showDispute,
  }),
  route({
    method: 'POST',
    path: '/api/v1/disputes/:id/evidence',
    auth: shoppers,
    tag: 'Disputes',
    summary: 'Add a note to an open case’s evidence; both parties are told',
    body: disputeNoteBody,
    response: disputeBody,
    responses: {
      200: '{ dispute }',
      400: 'Invalid body',
      404: 'No such dispute of yours',
      409: 'Resolved (dispute_closed)',
    },
    handler: addNote,
  }),
  route({
    method: 'POST',
    path: '/api/v1/disputes/:id/photos',
    auth: shoppers,
    tag: 'Disputes',
    summary: 'Add a photo (multipart field `image`) to an open case’s evidence',
    upload: photoUpload,
    response: disputeBody,
    responses: photoResponses,
    handler: addPhoto,
  }),
  route({
    method: 'POST',
    path: '/api/v1/disputes/:id/escalate',
    auth: shoppers,
    tag: 'Disputes',
    summary: 'The buyer asks KlosetStore to decide an answered case (decision within 48 hours)',
    body: escalateDisputeBody,
    response: disputeBody,
    responses: moveResponses('Not answered yet, or resolved'),
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        dispute: await core.disputes.escalate(ctx, params.id!, input.body),
      }),
  }),
]

/** The seller's side: read, answer with evidence, or accept with a full or partial refund. */
const sellerRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/seller/disputes',
    auth: seller,
    tag: 'Seller: disputes',
    summary: 'Your store’s dispute cases, newest first',
    query: listDisputesQuery,
    response: disputesPage,
    responses: { 200: '{ items, nextCursor }', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.disputes.listForSeller(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/disputes/:id',
    auth: seller,
    tag: 'Seller: disputes',
    summary: 'One case of your store',
    response: disputeBody,
    responses: { 200: '{ dispute }', 404: 'No such dispute of your store' },
    handler: showDispute,
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/disputes/:id/answer',
    auth: seller,
    tag: 'Seller: disputes',
    summary: 'Answer a case within its 3 days; the buyer may then escalate within 3 days',
    body: answerDisputeBody,
    response: disputeBody,
    responses: moveResponses('Already answered, escalated or resolved'),
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        dispute: await core.disputes.answer(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/disputes/:id/accept',
    auth: seller,
    tag: 'Seller: disputes',
    summary:
      'Accept the claim: refund the whole order or `amount` of it through the refund path; the case is resolved',
    body: acceptDisputeBody,
    response: disputeBody,
    responses: {
      ...moveResponses('Escalated or resolved'),
      409: 'Escalated or resolved (invalid_transition), or more than is left of the payment (refund_exceeds_paid)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        dispute: await core.disputes.accept(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/disputes/:id/evidence',
    auth: seller,
    tag: 'Seller: disputes',
    summary: 'Add a note to an open case’s evidence; both parties are told',
    body: disputeNoteBody,
    response: disputeBody,
    responses: {
      200: '{ dispute }',
      400: 'Invalid body',
      404: 'No such dispute of your store',
      409: 'Resolved (dispute_closed)',
    },
    handler: addNote,
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/disputes/:id/photos',
    auth: seller,
    tag: 'Seller: disputes',
    summary: 'Add a photo (multipart field `image`) to an open case’s evidence',
    upload: photoUpload,
    response: disputeBody,
    responses: photoResponses,
    handler: addPhoto,
  }),
]

/** Administrators: the queue (overdue first with `overdue=true`), one case, the decision. */
const adminRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/disputes',
    auth: admin,
    tag: 'Admin: disputes',
    summary: 'Every case, newest first; by status, source, store, or only decisions overdue 48 h',
    query: listDisputesQuery,
    response: disputesPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid query' },
    handler: async (_req, { core, ctx, input }) => json(await core.disputes.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/disputes/:id',
    auth: admin,
    tag: 'Admin: disputes',
    summary: 'One case with its evidence, history, deadlines and Paystack side',
    response: disputeBody,
    responses: { 200: '{ dispute }', 404: 'No such dispute' },
    handler: showDispute,
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/disputes/:id/evidence',
    auth: admin,
    tag: 'Admin: disputes',
    summary: 'Add an administrator’s note to an open case',
    body: disputeNoteBody,
    response: disputeBody,
    responses: { 200: '{ dispute }', 400: 'Invalid body', 404: 'No such dispute', 409: 'Resolved' },
    handler: addNote,
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/disputes/:id/resolve',
    auth: admin,
    tag: 'Admin: disputes',
    summary:
      'Decide an open case: refund in full or part through the refund path, or release the money to the seller',
    body: resolveDisputeCaseBody,
    response: disputeBody,
    responses: {
      200: '{ dispute }',
      400: 'Invalid body',
      404: 'No such dispute',
      409: 'Already resolved (invalid_transition), or more than is left of the payment (refund_exceeds_paid)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        dispute: await core.disputes.resolve(ctx, params.id!, input.body),
      }),
  }),
]

export const disputeRoutes = [...buyerRoutes, ...sellerRoutes, ...adminRoutes]
