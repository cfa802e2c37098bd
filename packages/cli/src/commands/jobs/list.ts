import { MARKETPLACE_TIMEZONE } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class JobsList extends KlosetCommand {
  static override summary = 'List the timed jobs and their schedules'
  static override examples = ['<%= config.bin %> jobs list', '<%= config.bin %> jobs list --json']

  async run(): Promise<{
    jobs: {
      name: string
      schedule: string
      timezone: string
      summary: string
      movesMoney: boolean
    }[]
  }> {
    await this.parse(JobsList)
    const core = await this.core()
    const jobs = core.jobs.list().map((j) => ({
      name: j.name,
      schedule: j.schedule,
      timezone: j.timezone ?? MARKETPLACE_TIMEZONE,
      summary: j.summary,
      movesMoney: j.movesMoney === true,
    }))
    this.say(
      renderTable(
        ['job', 'schedule', 'timezone', 'moves money', 'what'],
        jobs.map((j) => [j.name, j.schedule, j.timezone, j.movesMoney ? 'yes' : '', j.summary]),
      ),
    )
    return { jobs }
  }
}
