import type { AccountsService } from '../accounts/accounts.service.js'
import type { UsersService } from '../accounts/users.service.js'
import type { DisputesService } from '../disputes/disputes.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { AccountNumberCipher } from './account-number.cipher.js'
import { PayoutAccountsService } from './payout-accounts.service.js'
import { PayoutsService } from './payouts.service.js'

/** Sellers' payout accounts and the weekly payouts (Paystack transfers, settled by webhooks). */
export function wirePayouts(
  p: Platform,
  deps: {
    accounts: AccountsService
    users: UsersService
    stores: StoresService
    ledger: LedgerService
    disputes: DisputesService
  },
): Wired<{ payoutAccounts: PayoutAccountsService; payouts: PayoutsService }> {
  const { config, models, paystack, mail, audit, events, logger } = p
  const { stores, users, ledger } = deps
  const payoutAccounts = new PayoutAccountsService({
    accounts: models.payoutAccounts,
    cipher: new AccountNumberCipher(
      config.payouts.encryptionKey,
      config.payouts.previousEncryptionKeys,
    ),
    paystack,
    passwords: deps.accounts,
    stores,
    people: users,
    kv: p.kv,
    mail,
    audit,
    events,
    logger,
    settings: config.payouts,
  })
  const payouts = new PayoutsService({
    payouts: models.payouts,
    accounts: payoutAccounts,
    ledger,
    stores,
    people: users,
    paystack,
    locks: p.locks,
    mail,
    audit,
    events,
    clock: p.clock,
    logger,
    settings: config.payouts,
    frozen: deps.disputes,
  })
  return {
    services: { payoutAccounts, payouts },
    subscribe(bus) {
      bus.subscribe('paystack.event_received', 'payouts.settle', (event) =>
        payouts.onPaystackEvent(event),
      )
    },
  }
}
