import { formatMoney, type PlanDTO } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { PLAN_COLUMNS, planRow } from '../../plan-format.js'
import { renderTable } from '../../table.js'

export default class PlansList extends KlosetCommand {
  static override summary = 'List seller plans (the free tier first) and what each buys'
  static override examples = [
    '<%= config.bin %> plans list',
    '<%= config.bin %> plans list --archived --json',
  ]

  static override flags = {
    archived: Flags.boolean({ summary: 'Include archived plans' }),
  }

  async run(): Promise<{ plans: PlanDTO[] }> {
    const { flags } = await this.parse(PlansList)
    const core = await this.core()
    const plans = await core.plans.list(this.ctx, { archived: flags.archived })
    this.say(renderTable(PLAN_COLUMNS, plans.map(planRow)))
    this.say(`Prices are per interval; ${formatMoney(0, 'NGN')} is the free tier.`)
    return { plans }
  }
}
