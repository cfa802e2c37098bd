import { type PlanDTO, updatePlanBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderPlan } from '../../plan-format.js'

export default class PlansUpdate extends KlosetCommand {
  static override summary = "Change a plan's policy or wording (free included)"
  static override description =
    'A change to the free tier reaches every store on it at once; stores on a paid plan get the new policy at their next renewal or change.'
  static override examples = [
    '<%= config.bin %> plans update free --product-limit 25',
    '<%= config.bin %> plans update plus --commission-bps 350 --no-featured --json',
  ]

  static override args = {
    code: Args.string({ required: true, description: 'plan code' }),
  }

  static override flags = {
    name: Flags.string({ summary: 'Name sellers see' }),
    description: Flags.string({ summary: 'What the plan is for' }),
    'commission-bps': Flags.integer({ summary: 'Commission in basis points (400 = 4%)' }),
    'product-limit': Flags.integer({ summary: 'Live products allowed', exclusive: ['unlimited'] }),
    unlimited: Flags.boolean({ summary: 'No product limit' }),
    featured: Flags.boolean({ allowNo: true, summary: 'Featured shelf (--no-featured to remove)' }),
    'payout-minimum': Flags.integer({
      summary: 'Least a payout sends, kobo',
      exclusive: ['default-payout-minimum'],
    }),
    'default-payout-minimum': Flags.boolean({ summary: 'Use PAYOUT_MINIMUM_KOBO' }),
  }

  async run(): Promise<{ plan: PlanDTO }> {
    const { args, flags } = await this.parse(PlansUpdate)
    const input = this.validate(updatePlanBody, {
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags['commission-bps'] !== undefined
        ? { commissionRateBps: flags['commission-bps'] }
        : {}),
      ...(flags.unlimited ? { productLimit: null } : {}),
      ...(flags['product-limit'] !== undefined ? { productLimit: flags['product-limit'] } : {}),
      ...(flags.featured !== undefined ? { featured: flags.featured } : {}),
      ...(flags['default-payout-minimum'] ? { payoutMinimumKobo: null } : {}),
      ...(flags['payout-minimum'] !== undefined
        ? { payoutMinimumKobo: flags['payout-minimum'] }
        : {}),
    })
    const core = await this.core()
    const plan = await core.plans.update(this.ctx, args.code, input)
    this.say(renderPlan(plan))
    return { plan }
  }
}
