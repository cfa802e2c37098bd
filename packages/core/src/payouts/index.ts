/** Seller payouts and payout accounts: what the rest of the code may use. */

export { AccountNumberCipher, keyIdOf, type SealedValue } from './account-number.cipher.js'
export {
  createPayoutModel,
  PAYOUT_STATUSES,
  type PayoutDoc,
  type PayoutModel,
  type PayoutStatus,
} from './payout.model.js'
export {
  isValidPeriod,
  nextPayoutRun,
  PAYOUT_SCHEDULE,
  periodOf,
  transferReferenceOf,
} from './payout.period.js'
export * from './payout.schemas.js'
export type * from './payout.types.js'
export {
  createPayoutAccountModel,
  type PayoutAccountDoc,
  type PayoutAccountModel,
} from './payout-account.model.js'
export { type PayoutAccountsDeps, PayoutAccountsService } from './payout-accounts.service.js'
export { type PayoutsDeps, PayoutsService } from './payouts.service.js'
