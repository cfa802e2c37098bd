import type { ReconcileReport } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../base-command.js'
import { renderTable } from '../table.js'

/** The exit code when the day does not reconcile (docs/cli.md, "Exit codes"). */
export const MISMATCH_EXIT_CODE = 11

export default class Reconcile extends KlosetCommand {
  static override summary =
    'Reconcile one UTC day: Paystack charges, transfers and refunds against our records and the ledger'
  static override description =
    `Lists every mismatch and stores each as a reconcile item (once per kind and subject; items the run no longer finds are auto-cleared); exits ${MISMATCH_EXIT_CODE} when there is a mismatch (0 when the day reconciles). No money or stock is changed.`
  static override examples = [
    '<%= config.bin %> reconcile',
    '<%= config.bin %> reconcile --date 2026-12-06 --json',
  ]

  static override flags = {
    date: Flags.string({ summary: 'The UTC day, YYYY-MM-DD (default: yesterday)' }),
  }

  async run(): Promise<ReconcileReport> {
    const { flags } = await this.parse(Reconcile)
    const core = await this.core()
    const date =
      flags.date ?? new Date(this.ctx.now.getTime() - 86_400_000).toISOString().slice(0, 10)
    const report = await core.reconcile.reconcileDay(this.ctx, date)
    const { checked } = report
    this.say(
      `${report.date}: ${checked.charges} Paystack charges, ${checked.paidGroups} paid order groups, ${checked.orders} store orders, ${checked.transfers} transfers, ${checked.refunds} refunds (${checked.paystackRefunds} on Paystack), trial balance in ${checked.currencies} currencies`,
    )
    const { opened, autoCleared } = report.items
    this.say(
      `Reconcile items: ${opened.length} opened, ${autoCleared} auto-cleared (kloset reconcile list --status open)`,
    )
    if (report.ok) this.say('Reconciled: no mismatches.')
    else {
      this.say(
        renderTable(
          ['kind', 'subject', 'what'],
          report.mismatches.map((m) => [m.kind, m.subject, m.message]),
        ),
      )
      process.exitCode = MISMATCH_EXIT_CODE
    }
    return report
  }
}
