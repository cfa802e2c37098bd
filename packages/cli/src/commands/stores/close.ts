import { type StoreDTO, storeDecisionBody } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { dryRunFlag, optionalReason, storeArgs, yesFlag } from '../../flags.js'

export default class StoresClose extends KlosetCommand {
  static override summary = 'Close an approved or suspended store for good'
  static override description =
    'Closing cannot be undone. Asks for confirmation unless --yes; under --json without --yes it refuses rather than prompt.'
  static override examples = [
    '<%= config.bin %> stores close ades-ankara --reason "Seller asked to leave" --dry-run',
    '<%= config.bin %> stores close ades-ankara --reason "Seller asked to leave" --yes --json',
  ]

  static override args = storeArgs
  static override flags = {
    reason: Flags.string({ summary: 'Why (kept in the audit log and emailed to the seller)' }),
    yes: yesFlag,
    'dry-run': dryRunFlag('Check that the store can be closed, change nothing'),
  }

  async run(): Promise<{ store: StoreDTO; dryRun?: true }> {
    const { args, flags } = await this.parse(StoresClose)
    const input = this.validate(storeDecisionBody, optionalReason(flags.reason))
    const core = await this.core()
    if (flags['dry-run']) {
      const store = await core.stores.close(this.ctx, args.store, input, { dryRun: true })
      this.say(`Would close ${store.name} (${store.slug}, ${store.status}). Nothing changed.`)
      return { store, dryRun: true }
    }
    if (!flags.yes) {
      const store = await core.stores.get(this.ctx, args.store)
      const ok = await this.confirmed(
        false,
        `Close ${store.name} (${store.slug}) for good?`,
        'Closing a store cannot be undone: pass --yes to confirm',
      )
      if (!ok) {
        this.say('Nothing changed.')
        return { store }
      }
    }
    const store = await core.stores.close(this.ctx, args.store, input)
    this.say(`Closed ${store.name} (${store.slug}).`)
    return { store }
  }
}
