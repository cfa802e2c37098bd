import type { JobRun } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { yesFlag } from '../../flags.js'

export default class JobsRun extends KlosetCommand {
  static override summary = 'Run one timed job now (skipped if another scheduler is running it)'
  static override description =
    'A job that moves money (weekly-payouts; `kloset jobs list` marks them) asks for confirmation unless --yes; under --json or without a terminal it refuses with confirmation_required. Prefer `kloset payouts run`, which shows what it would pay first.'
  static override examples = [
    '<%= config.bin %> jobs run deliver-mail',
    '<%= config.bin %> jobs run weekly-payouts --yes --json',
  ]

  static override args = {
    job: Args.string({ required: true, description: 'job name (kloset jobs list)' }),
  }

  static override flags = { yes: yesFlag }

  async run(): Promise<JobRun | { job: string; ran: false; declined: true }> {
    const { args, flags } = await this.parse(JobsRun)
    const core = await this.core()
    const job = core.jobs.get(args.job)
    if (
      job.movesMoney &&
      !(await this.confirmed(
        flags.yes,
        `${job.name} moves money (${job.summary}). Run it now?`,
        `${job.name} moves money: pass --yes to confirm`,
      ))
    ) {
      this.say('Nothing was run.')
      return { job: job.name, ran: false, declined: true }
    }
    const run = await core.jobs.run(this.ctx, args.job)
    this.say(
      run.ran
        ? `${run.job}: done in ${run.ms} ms ${JSON.stringify(run.result)}`
        : `${run.job}: skipped (another scheduler holds its lock)`,
    )
    return run
  }
}
