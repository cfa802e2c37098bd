/** What the rest of the code may use of the ledger. */

export {
  DEBIT_NORMAL_ACCOUNTS,
  displayBalance,
  isLedgerAccount,
  PLATFORM_ACCOUNTS,
  type PlatformAccount,
  parseAccount,
  SELLER_BUCKETS,
  type SellerBucket,
  sellerAccount,
} from './ledger.accounts.js'
export { checkJournal, mulDivRoundHalfUp, splitRefund } from './ledger.rules.js'
export * from './ledger.schemas.js'
export { type LedgerDeps, LedgerService } from './ledger.service.js'
export * from './ledger.types.js'
