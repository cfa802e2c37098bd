import type { JobRun } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class JobsRun extends KlosetCommand {
  static override summary = 'Run one timed job now (skipped if another scheduler is running it)'
  static override examples = [
    '<%= config.bin %> jobs run expire-unpaid-orders',
    '<%= config.bin %> jobs run weekly-payouts --json',
  ]
  static override args = {
    job: Args.string({ required: true, description: 'job name (kloset jobs list)' }),
  }

  async run(): Promise<JobRun> {
    const { args } = await this.parse(JobsRun)
    const core = await this.core()
    const run = await this.progress(`Running ${args.job}`).around(core.jobs.run(this.ctx, args.job))
    this.say(
      run.ran
        ? `${run.job}: done in ${run.ms} ms ${JSON.stringify(run.result)}`
        : `${run.job}: skipped (another scheduler holds its lock)`,
    )
    return run
  }
}
