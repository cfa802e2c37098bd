import { type DoctorReport, runDoctor } from '@kloset/core'
import chalk from 'chalk'
import { KlosetCommand } from '../base-command.js'
import { exitCodeOf } from '../exit-codes.js'
import { renderTable } from '../table.js'

const MARK = { ok: chalk.green('ok'), warn: chalk.yellow('warn'), fail: chalk.red('FAIL') }

export default class Doctor extends KlosetCommand {
  static override summary =
    'Check this deployment: configuration, database, Redis, SMTP, Paystack, Cloudinary, clock, scheduler locks'
  static override description =
    'Read-only: nothing is sent, written or charged. Each line says ok, warn or FAIL, and what to fix. Exits 9 when any check fails (the JSON result then has "ok": false).'
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --json | jq \'.result.checks[] | select(.status != "ok")\'',
  ]

  async run(): Promise<DoctorReport> {
    await this.parse(Doctor)
    const core = await this.core()
    const report = await runDoctor(core)
    this.say(
      renderTable(
        ['check', '', 'detail'],
        report.checks.map((c) => [
          c.name,
          MARK[c.status],
          c.fix ? `${c.detail}\n→ ${c.fix}` : c.detail,
        ]),
      ),
    )
    this.say(
      report.ok ? 'Nothing to fix.' : 'Fix the FAIL lines above, then run kloset doctor again.',
    )
    if (!report.ok) process.exitCode = exitCodeOf.unavailable
    return report
  }
}
