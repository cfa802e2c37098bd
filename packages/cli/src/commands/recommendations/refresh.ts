import type { JobRun } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'

export default class RecommendationsRefresh extends KlosetCommand {
  static override summary =
    'Recompute recommendations and the popular sort now (the refresh-recommendations job)'

  async run(): Promise<JobRun> {
    await this.parse(RecommendationsRefresh)
    const core = await this.core()
    const run = await core.jobs.run(this.ctx, 'refresh-recommendations')
    this.say(
      run.ran
        ? `refresh-recommendations: done in ${run.ms} ms ${JSON.stringify(run.result)}`
        : 'refresh-recommendations: skipped (another scheduler holds its lock)',
    )
    return run
  }
}
