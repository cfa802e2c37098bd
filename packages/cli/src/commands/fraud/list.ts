import {
  CASE_STATUSES,
  type FRAUD_OUTCOMES,
  type FraudCaseDTO,
  listFraudCasesQuery,
  type Page,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class FraudList extends KlosetCommand {
  static override summary = 'List fraud cases (the review queue), newest first'
  static override examples = [
    '<%= config.bin %> fraud list --status open',
    '<%= config.bin %> fraud list --outcome hold --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...CASE_STATUSES], summary: 'Only this status' }),
    outcome: Flags.string({ options: ['review', 'hold'], summary: 'Only this outcome' }),
    buyer: Flags.string({ summary: 'Only this buyer (user id)' }),
    ...pageFlags,
  }

  async run(): Promise<Page<FraudCaseDTO>> {
    const { flags } = await this.parse(FraudList)
    const query = this.validate(listFraudCasesQuery, {
      limit: flags.limit,
      ...(flags.cursor ? { cursor: flags.cursor } : {}),
      ...(flags.status ? { status: flags.status } : {}),
      ...(flags.outcome ? { outcome: flags.outcome as (typeof FRAUD_OUTCOMES)[number] } : {}),
      ...(flags.buyer ? { buyerId: flags.buyer } : {}),
    })
    const core = await this.core()
    const page = await core.fraud.listCases(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'outcome', 'status', 'score', 'risk', 'buyer', 'reasons', 'opened'],
        page.items.map((c) => [
          c.id,
          c.outcome,
          statusColour(c.status),
          c.score,
          c.riskScore,
          c.buyerId,
          c.reasons.join('; '),
          c.openedAt.slice(0, 16).replace('T', ' '),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
