import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class JobsList extends KlosetCommand {
  static override summary = 'List the timed jobs and their schedules'

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
      timezone: j.timezone ?? 'Africa/Lagos',
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
