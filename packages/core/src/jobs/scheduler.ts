import cron, { type ScheduledTask } from 'node-cron'
import { MARKETPLACE_TIMEZONE } from '../shared/clock.js'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import type { Logger } from '../shared/logger.js'
import type { JobsService } from './jobs.service.js'

export interface RunningScheduler {
  jobs: { name: string; schedule: string; nextRun: string | undefined }[]
  stop(): Promise<void>
}

/**
 * Triggers every registered job on its cron schedule (node-cron). Used by `kloset scheduler` and
 * by `npm start`; each run takes the job's lock, so several schedulers can run side by side.
 */
export function startScheduler(jobs: JobsService, logger: Logger): RunningScheduler {
  const tasks: ScheduledTask[] = []
  const running = new Set<Promise<unknown>>()
  for (const job of jobs.list()) {
    const task = cron.schedule(
      job.schedule,
      () => {
        const ctx: Ctx = systemCtx('scheduler')
        const run = jobs
          .run({ ...ctx, actor: { kind: 'system', job: job.name } }, job.name)
          .catch((error) => logger.error({ err: error, job: job.name }, 'job failed'))
          .finally(() => running.delete(run))
        running.add(run)
        return run
      },
      { timezone: job.timezone ?? MARKETPLACE_TIMEZONE, name: job.name, noOverlap: true },
    )
    tasks.push(task)
  }
  return {
    jobs: jobs.list().map((job, i) => ({
      name: job.name,
      schedule: job.schedule,
      nextRun: tasks[i]?.getNextRun()?.toISOString(),
    })),
    async stop() {
      for (const task of tasks) await task.stop()
      await Promise.allSettled([...running])
    },
  }
}
