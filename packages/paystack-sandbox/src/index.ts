export {
  type Bank,
  DESIGNATED_ACCOUNTS,
  findBank,
  NIGERIAN_BANKS,
  resolveAccountName,
  transferOutcomeFor,
} from './banks.data.js'
export type { SettleDelay } from './jobs.scheduler.js'
export {
  chargeFees,
  type FeeModel,
  formatAmount,
  MINIMUM_CHARGE,
  transferFee,
} from './money.format.js'
export type * from './paystack.types.js'
export { CURRENCIES } from './paystack.types.js'
export * from './requests.schemas.js'
export type { SandboxOptions } from './sandbox.context.js'
export { type SandboxHandle, startSandbox } from './sandbox.server.js'
export * from './schemas.js'
export { findTestCard, TEST_CARDS, type TestCard } from './test-cards.data.js'
export { signPayload, verifySignature } from './webhook.signature.js'
