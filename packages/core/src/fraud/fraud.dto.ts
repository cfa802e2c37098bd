import type { FraudCaseDoc, FraudDecisionDoc } from './fraud.model.js'
import type { FraudCaseDTO, FraudDecisionDTO } from './fraud.types.js'

export function toDecisionDTO(doc: FraudDecisionDoc): FraudDecisionDTO {
  return {
    id: String(doc._id),
    orderGroupId: doc.orderGroupId,
    orderIds: doc.orderIds,
    buyerId: doc.buyerId,
    storeIds: doc.storeIds,
    ...(doc.ip ? { ip: doc.ip } : {}),
    ...(doc.deviceId ? { deviceId: doc.deviceId } : {}),
    outcome: doc.outcome,
    score: doc.score,
    riskScore: doc.riskScore,
    riskReasons: doc.riskReasons,
    ...(doc.modelVersion !== undefined ? { modelVersion: doc.modelVersion } : {}),
    ruleSetVersion: doc.ruleSetVersion,
    fired: doc.fired,
    snoozed: doc.snoozed,
    inputs: doc.inputs,
    ...(doc.shadow ? { shadow: doc.shadow } : {}),
    ...(doc.caseId ? { caseId: doc.caseId } : {}),
    at: doc.at.toISOString(),
  }
}

export function toCaseDTO(doc: FraudCaseDoc): FraudCaseDTO {
  const { resolution } = doc
  return {
    id: String(doc._id),
    decisionId: doc.decisionId,
    orderGroupId: doc.orderGroupId,
    orderIds: doc.orderIds,
    buyerId: doc.buyerId,
    storeIds: doc.storeIds,
    outcome: doc.outcome,
    status: doc.status,
    score: doc.score,
    riskScore: doc.riskScore,
    reasons: doc.reasons,
    ...(doc.status === 'confirmed' ? { label: 'fraud' as const } : {}),
    ...(doc.status === 'cleared' ? { label: 'legit' as const } : {}),
    ...(resolution
      ? { resolution: { ...resolution, at: new Date(resolution.at).toISOString() } }
      : {}),
    openedAt: doc.openedAt.toISOString(),
  }
}
