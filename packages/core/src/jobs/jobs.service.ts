import type { Clock } from '../shared/clock.js'
import { type Ctx, requireAdminOrSystem, systemCtx } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import type { Locks } from './lock.js'

/** A timed job. The work lives in the feature's service; the job only calls it. */
export interface JobDefinition {
  name: string
  /** A cron expression, read in `timezone`. */
  schedule: string
  /** Default: MARKETPLACE_TIMEZONE (shared/clock.ts). */
  timezone?: string
  summary: string
  /** The longest a run may take; the lock lease lasts this long. */
  maxRunMs?: number
  /** The job pays or refunds: run by hand (`kloset jobs run`), it needs `--yes`. */
  movesMoney?: boolean
  run(ctx: Ctx): Promise<Record<string, unknown>>
}

export interface JobRun {
  job: string
  ran: boolean
  /** Why it did not run: another scheduler holds the job's lock. */
  skipped?: 'locked'
  result?: Record<string, unknown>
  startedAt: string
  ms: number
}

/** The registry of timed jobs and the one way to run them: under a lock, with a system actor. */
export class JobsService {
  private jobs = new Map<string, JobDefinition>()

  constructor(private deps: { locks: Locks; clock: Clock; logger: Logger }) {}

  register(job: JobDefinition): void {
    this.jobs.set(job.name, job)
  }

  /** @throws NotFoundError for an unknown job. */
  get(name: string): JobDefinition {
    const job = this.jobs.get(name)
    if (!job) throw new NotFoundError(`Job ${name}`)
    return job
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /**
   * Runs a job now, unless another process is running it (then it is skipped, not queued).
   * @throws NotFoundError for an unknown job.
   */
  async run(ctx: Ctx, name: string): Promise<JobRun> {
    requireAdminOrSystem(ctx)
    const job = this.get(name)
    const started = this.deps.clock.now()
    const t0 = performance.now()
    const outcome = await this.deps.locks.withLock(`job:${name}`, job.maxRunMs ?? 10 * 60_000, () =>
      job.run(systemCtx(name, this.deps.clock.now())),
    )
    const run: JobRun = {
      job: name,
      ran: outcome.acquired,
      ...(outcome.acquired ? { result: outcome.value } : { skipped: 'locked' as const }),
      startedAt: started.toISOString(),
      ms: Math.round(performance.now() - t0),
    }
    this.deps.logger.info({ job: name, ran: run.ran, result: run.result, ms: run.ms }, 'job run')
    return run
  }
}
