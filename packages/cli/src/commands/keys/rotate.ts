import type { ResealReport } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

/** What each kind of sealed value went through. */
export interface KeysRotateResult {
  addresses: ResealReport
  payoutAccounts: ResealReport
}

export default class KeysRotate extends KlosetCommand {
  static override summary =
    'Re-encrypt buyers’ phone numbers and addresses, and payout account numbers, under the current encryption key'
  static override description =
    'Run after setting a new PAYOUT_ENCRYPTION_KEY (the old one moved to PAYOUT_ENCRYPTION_PREVIOUS_KEYS). Works in batches beside a running server; a document changed meanwhile is skipped and taken by a re-run. Covers buyers’ shipping addresses (orders and checkouts) and sellers’ payout account numbers. Also seals addresses written before encryption existed.'
  static override examples = [
    '<%= config.bin %> keys rotate --dry-run',
    '<%= config.bin %> keys rotate --batch-size 500',
  ]
  static override flags = {
    'batch-size': Flags.integer({
      default: 200,
      min: 1,
      max: 5000,
      summary: 'Documents per batch',
    }),
    'dry-run': Flags.boolean({ summary: 'Count what would be re-encrypted; change nothing' }),
  }

  async run(): Promise<KeysRotateResult> {
    const { flags } = await this.parse(KeysRotate)
    const core = await this.core()
    const options = { batchSize: flags['batch-size'], dryRun: flags['dry-run'] }
    const addresses = await core.orders.resealAddresses(this.ctx, options)
    const payoutAccounts = await core.payoutAccounts.resealAccountNumbers(this.ctx, options)
    const verb = flags['dry-run'] ? 'Would re-encrypt' : 'Re-encrypted'
    for (const [what, report] of [
      ['addresses', addresses],
      ['payout account numbers', payoutAccounts],
    ] as const) {
      this.say(
        `${verb} ${report.resealed} of ${report.checked} ${what} under key ${report.keyId}` +
          (report.skipped ? `; ${report.skipped} changed meanwhile: run again` : ''),
      )
    }
    return { addresses, payoutAccounts }
  }
}
