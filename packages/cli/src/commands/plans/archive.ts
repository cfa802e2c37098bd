import type { PlanDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class PlansArchive extends KlosetCommand {
  static override summary =
    'Stop offering a plan (stores on it keep it until they change or cancel)'
  static override description =
    'Archiving cannot be undone. Asks for confirmation unless --yes; under --json without --yes it refuses rather than prompt.'
  static override examples = ['<%= config.bin %> plans archive plus-2025 --yes']

  static override args = {
    code: Args.string({ required: true, description: 'plan code' }),
  }

  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation' }),
    'dry-run': Flags.boolean({ summary: 'Show the plan that would be archived, change nothing' }),
  }

  async run(): Promise<{ plan: PlanDTO; dryRun?: true }> {
    const { args, flags } = await this.parse(PlansArchive)
    const core = await this.core()
    const current = await core.plans.get(this.ctx, args.code)
    if (flags['dry-run']) {
      this.say(`Would archive ${current.code} (${current.name}). Nothing changed.`)
      return { plan: current, dryRun: true }
    }
    const ok = await this.confirmed(
      flags.yes,
      `Archive ${current.code} (${current.name})? Sellers can no longer subscribe to it.`,
      'Archiving a plan cannot be undone: pass --yes to confirm',
    )
    if (!ok) {
      this.say('Nothing changed.')
      return { plan: current }
    }
    const plan = await core.plans.archive(this.ctx, args.code)
    this.say(`Archived ${plan.code}.`)
    return { plan }
  }
}
