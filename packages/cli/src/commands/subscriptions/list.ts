import {
  listSubscriptionsQuery,
  type Page,
  SUBSCRIPTION_STATUSES,
  type SubscriptionDTO,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class SubscriptionsList extends KlosetCommand {
  static override summary = 'List seller subscriptions, newest first'
  static override examples = [
    '<%= config.bin %> subscriptions list --status attention',
    '<%= config.bin %> subscriptions list --plan plus --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...SUBSCRIPTION_STATUSES], summary: 'Only this status' }),
    plan: Flags.string({ summary: 'Only this plan code' }),
    ...pageFlags,
  }

  async run(): Promise<Page<SubscriptionDTO>> {
    const { flags } = await this.parse(SubscriptionsList)
    const query = this.validate(listSubscriptionsQuery, {
      limit: flags.limit,
      ...(flags.status ? { status: flags.status } : {}),
      ...(flags.plan ? { planCode: flags.plan } : {}),
      ...(flags.cursor ? { cursor: flags.cursor } : {}),
    })
    const core = await this.core()
    const page = await core.subscriptions.list(this.ctx, query)
    this.say(
      renderTable(
        ['store', 'plan', 'status', 'period end', 'grace until', 'next plan', 'paystack'],
        page.items.map((s) => [
          s.storeId,
          s.planCode,
          statusColour(s.status),
          s.currentPeriodEnd ?? '',
          s.graceUntil ?? '',
          s.pendingPlanCode ?? '',
          s.paystackSubscriptionCode ?? '',
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
