import { startScheduler } from '@kloset/core'
import { KlosetCommand } from '../base-command.js'
import { renderTable } from '../table.js'

export default class Scheduler extends KlosetCommand {
  static override summary = 'Run the timed jobs (payouts, expiries, sweeps) until stopped'
  static override examples = [
    '<%= config.bin %> scheduler',
    'LOG_LEVEL=info <%= config.bin %> scheduler',
  ]
  static override description =
    "Runs every job on its cron schedule (Africa/Lagos time). Each run takes the job's lock (Redis when REDIS_URL is set, the database otherwise), so two schedulers never run the same job at once. `npm start` runs one alongside the API. It also runs the event relay, which publishes recorded events whose delivery a crash interrupted."

  async run(): Promise<{
    jobs: { name: string; schedule: string; nextRun: string | undefined }[]
  }> {
    await this.parse(Scheduler)
    const core = await this.core()
    const scheduler = startScheduler(core.jobs, core.logger)
    // Events a crashed process recorded but never delivered are delivered from here too.
    await core.relay.start()
    this.say(
      renderTable(
        ['job', 'schedule', 'next run'],
        scheduler.jobs.map((j) => [j.name, j.schedule, j.nextRun]),
      ),
    )
    this.say('Scheduler running; Ctrl-C stops it.')
    await new Promise<void>((done) => {
      process.once('SIGINT', done)
      process.once('SIGTERM', done)
    })
    await scheduler.stop()
    await core.relay.stop()
    return { jobs: scheduler.jobs }
  }
}
