import {
  clearFraudCaseBody,
  confirmFraudCaseBody,
  evaluateRiskModelBody,
  listFraudCasesQuery,
  listFraudDecisionsQuery,
  promoteRiskModelBody,
  publishRuleSetBody,
  snoozeRuleBody,
  testRuleSetBody,
  trainRiskModelBody,
} from '@kloset/core'
import {
  fraudCaseBody,
  fraudCaseEvidenceBody,
  fraudCasesPage,
  fraudDecisionsPage,
  fraudSnoozeBody,
  riskEvaluationBody,
  riskModelResultBody,
  riskModelsBody,
  ruleSetBody,
  ruleSetsBody,
  ruleSetTestBody,
} from '../contract/fraud.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: fraud'
const admin = ['admin'] as const

/** The review queue, rule sets and risk models (docs/trust-and-safety.md); the CLI's `kloset fraud`. */
export const adminFraudRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/fraud/cases',
    auth: admin,
    tag,
    summary: 'Fraud cases (review queue), newest first, by status, outcome or buyer',
    query: listFraudCasesQuery,
    response: fraudCasesPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.fraud.listCases(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/fraud/cases/:id',
    auth: admin,
    tag,
    summary: 'One case with its evidence: decision, orders and timelines, related accounts',
    response: fraudCaseEvidenceBody,
    responses: { 200: '{ case }', 404: 'No such case' },
    handler: async (_req, { core, ctx, params }) =>
      json({ case: await core.fraud.getCase(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/cases/:id/clear',
    auth: admin,
    tag,
    summary: 'Not fraud: release the holds (shipping, the seller’s share); labels the case legit',
    body: clearFraudCaseBody,
    response: fraudCaseBody,
    responses: {
      200: '{ case }',
      400: 'No reason',
      404: 'No such case',
      409: 'Already cleared or confirmed',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        case: await core.fraud.clearCase(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/cases/:id/confirm',
    auth: admin,
    tag,
    summary:
      'Fraud: cancel unpaid orders; refund paid ones (refund), suspend the buyer (suspend), block the address (blockIp)',
    body: confirmFraudCaseBody,
    response: fraudCaseBody,
    responses: {
      200: '{ case }',
      400: 'No reason, or blockIp on a case with no recorded address',
      404: 'No such case',
      409: 'Already cleared or confirmed',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        case: await core.fraud.confirmCase(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/fraud/decisions',
    auth: admin,
    tag,
    summary: 'Every checkout decision (allowed ones too), newest first, by outcome or buyer',
    query: listFraudDecisionsQuery,
    response: fraudDecisionsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.fraud.listDecisions(ctx, input.query)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/snoozes',
    auth: admin,
    tag,
    summary: 'Silence one rule for one buyer until a date',
    body: snoozeRuleBody,
    response: fraudSnoozeBody,
    responses: { 201: '{ snooze }', 400: 'Unknown rule, a date in the past, or no reason' },
    handler: async (_req, { core, ctx, input }) =>
      json({ snooze: await core.fraud.snooze(ctx, input.body) }, 201),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/fraud/rules',
    auth: admin,
    tag,
    summary: 'The repository’s rule sets and how each is published (live, shadow, retired)',
    response: ruleSetsBody,
    responses: { 200: '{ items }' },
    handler: async (_req, { core, ctx }) => json({ items: await core.fraud.listRuleSets(ctx) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/rules/test',
    auth: admin,
    tag,
    summary: 'Replay the latest decisions through a rule set version; changes nothing',
    body: testRuleSetBody,
    response: ruleSetTestBody,
    responses: { 200: '{ report }', 404: 'No such rule set version' },
    handler: async (_req, { core, ctx, input }) =>
      json({ report: await core.fraud.testRuleSet(ctx, input.body) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/rules/publish',
    auth: admin,
    tag,
    summary: 'Publish a rule set version live, or as the shadow set (shadow: true)',
    body: publishRuleSetBody,
    response: ruleSetBody,
    responses: { 200: '{ ruleSet }', 404: 'No such rule set version' },
    handler: async (_req, { core, ctx, input }) =>
      json({
        ruleSet: await core.fraud.publishRuleSet(ctx, input.body),
      }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/fraud/models',
    auth: admin,
    tag,
    summary: 'Risk models, newest first, with their weights and last evaluation',
    response: riskModelsBody,
    responses: { 200: '{ items }' },
    handler: async (_req, { core, ctx }) => json({ items: await core.fraud.listModels(ctx) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/models/train',
    auth: admin,
    tag,
    summary: 'Train a candidate risk model (synthetic traffic + labelled cases) and evaluate it',
    body: trainRiskModelBody,
    response: riskModelResultBody,
    responses: { 201: '{ model, evaluation }', 400: 'Invalid options' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.fraud.trainModel(ctx, input.body), 201),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/models/evaluate',
    auth: admin,
    tag,
    summary: 'Evaluate a model on the held-out later window, next to the rules and the live model',
    body: evaluateRiskModelBody,
    response: riskEvaluationBody,
    responses: { 200: '{ evaluation }', 404: 'No such model' },
    handler: async (_req, { core, ctx, input }) =>
      json({
        evaluation: await core.fraud.evaluateModel(ctx, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/fraud/models/promote',
    auth: admin,
    tag,
    summary: 'Make a model live, only if it beats the rules and the live model on the same window',
    body: promoteRiskModelBody,
    response: riskModelResultBody,
    responses: {
      200: '{ model, evaluation }',
      404: 'No such model',
      409: 'It does not win (details: the evaluation), or it is already live',
    },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.fraud.promoteModel(ctx, input.body)),
  }),
]
