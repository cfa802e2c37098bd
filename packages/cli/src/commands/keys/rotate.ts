import type { ResealReport } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class KeysRotate extends KlosetCommand {
  static override summary =
    'Re-encrypt buyers’ phone numbers and addresses under the current encryption key'
  static override description =
    'Run after setting a new PAYOUT_ENCRYPTION_KEY (the old one moved to PAYOUT_ENCRYPTION_PREVIOUS_KEYS). Works in batches beside a running server; a document changed meanwhile is skipped and taken by a re-run. Also seals addresses written before encryption existed.'
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

  async run(): Promise<ResealReport> {
    const { flags } = await this.parse(KeysRotate)
    const core = await this.core()
    const report = await core.orders.resealAddresses(this.ctx, {
      batchSize: flags['batch-size'],
      dryRun: flags['dry-run'],
    })
    this.say(
      `${flags['dry-run'] ? 'Would re-encrypt' : 'Re-encrypted'} ${report.resealed} of ${report.checked} addresses under key ${report.keyId}` +
        (report.skipped ? `; ${report.skipped} changed meanwhile: run again` : ''),
    )
    return report
  }
}
