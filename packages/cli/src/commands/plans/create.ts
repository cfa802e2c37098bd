import { createPlanBody, PLAN_INTERVALS, type PlanDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderPlan } from '../../plan-format.js'

export default class PlansCreate extends KlosetCommand {
  static override summary = 'Create a paid seller plan and the Paystack plan that bills it'
  static override description =
    'Price and interval are fixed once created (they are the Paystack plan): to reprice, create a new plan and archive the old one.'
  static override examples = [
    '<%= config.bin %> plans create plus --name Plus --amount 500000 --commission-bps 400 --product-limit 500 --featured',
    '<%= config.bin %> plans create pro --name Pro --amount 1500000 --commission-bps 300 --unlimited --featured --payout-minimum 200000 --json',
  ]

  static override args = {
    code: Args.string({ required: true, description: 'plan code: a-z, 0-9 and -, e.g. plus' }),
  }

  static override flags = {
    name: Flags.string({ required: true, summary: 'Name sellers see' }),
    description: Flags.string({ summary: 'What the plan is for' }),
    amount: Flags.integer({ required: true, summary: 'Price per interval in kobo (min 10000)' }),
    interval: Flags.string({
      options: [...PLAN_INTERVALS],
      default: 'monthly',
      summary: 'Billing interval',
    }),
    'commission-bps': Flags.integer({
      required: true,
      summary: 'Commission in basis points (400 = 4%)',
    }),
    'product-limit': Flags.integer({ summary: 'Live products allowed', exclusive: ['unlimited'] }),
    unlimited: Flags.boolean({ summary: 'No product limit' }),
    featured: Flags.boolean({ summary: 'Products listed on the featured shelf' }),
    'payout-minimum': Flags.integer({
      summary: 'Least a payout sends, kobo (default: PAYOUT_MINIMUM_KOBO)',
    }),
  }

  async run(): Promise<{ plan: PlanDTO }> {
    const { args, flags } = await this.parse(PlansCreate)
    const input = this.validate(createPlanBody, {
      code: args.code,
      name: flags.name,
      ...(flags.description ? { description: flags.description } : {}),
      amount: flags.amount,
      interval: flags.interval,
      commissionRateBps: flags['commission-bps'],
      productLimit: flags.unlimited ? null : flags['product-limit'],
      featured: flags.featured,
      payoutMinimumKobo: flags['payout-minimum'] ?? null,
    })
    const core = await this.core()
    const plan = await core.plans.create(this.ctx, input)
    this.say(renderPlan(plan))
    return { plan }
  }
}
