import { type FraudCaseEvidence, formatMoney } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class FraudShow extends KlosetCommand {
  static override summary = 'Show a fraud case with its evidence'
  static override description =
    'The decision (score, learned risk score and its reasons, fired rules, every input), the orders with their timelines, and other accounts seen on the same address or device.'
  static override examples = ['<%= config.bin %> fraud show 6650c0ffee0ddba11ca7e001']
  static override args = { id: Args.string({ required: true, description: 'case id' }) }

  async run(): Promise<{ case: FraudCaseEvidence }> {
    const { args } = await this.parse(FraudShow)
    const core = await this.core()
    const found = await core.fraud.getCase(this.ctx, args.id)
    const { decision } = found
    this.say(
      `Case ${found.id}: ${found.outcome}, ${found.status}; score ${found.score}, risk ${found.riskScore}`,
    )
    this.say(
      `Buyer ${found.buyerId}; address ${decision.ip ?? '-'}; device ${decision.deviceId ?? '-'}`,
    )
    this.say(
      renderTable(
        ['rule', 'points', 'reason'],
        decision.fired.map((f) => [f.id, f.points, f.reason]),
      ),
    )
    if (decision.riskReasons.length > 0) {
      this.say(`Risk score pushed up by: ${decision.riskReasons.map((r) => r.feature).join(', ')}`)
    }
    this.say(
      renderTable(
        ['order', 'store', 'status', 'total'],
        found.orders.map((o) => [o.id, o.storeId, o.status, formatMoney(o.total)]),
      ),
    )
    this.say(
      renderTable(
        ['signal', 'value'],
        Object.entries(decision.inputs).map(([name, value]) => [name, value]),
      ),
    )
    if (found.relatedAccounts.length > 0) {
      this.say(
        `Related accounts: ${found.relatedAccounts.map((a) => `${a.userId} (${a.via})`).join(', ')}`,
      )
    }
    return { case: found }
  }
}
