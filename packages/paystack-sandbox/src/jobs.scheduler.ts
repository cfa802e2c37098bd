/** How long before async work settles: a delay in ms, or `manual` (only flush/control settle it). */
export type SettleDelay = number | 'manual'

interface Job {
  run: () => void
  timer: NodeJS.Timeout | null
}

/**
 * Pending async work (refund and transfer settlement), keyed so a control endpoint can settle one
 * item early and `flush` can settle all of them at once.
 */
export class JobScheduler {
  private readonly jobs = new Map<string, Job>()

  /** Runs `run` after `delay`, replacing any job with the same key. */
  schedule(key: string, delay: SettleDelay, run: () => void): void {
    this.cancel(key)
    const job: Job = { run, timer: null }
    if (delay !== 'manual') {
      job.timer = setTimeout(() => {
        this.jobs.delete(key)
        run()
      }, delay)
    }
    this.jobs.set(key, job)
  }

  /** Drops a pending job, e.g. because a control endpoint settled its item by hand. */
  cancel(key: string): void {
    const job = this.jobs.get(key)
    if (job?.timer) clearTimeout(job.timer)
    this.jobs.delete(key)
  }

  /** Runs every pending job now, including jobs those jobs schedule; returns how many ran. */
  flush(): number {
    let ran = 0
    while (this.jobs.size > 0) {
      const [key, job] = this.jobs.entries().next().value as [string, Job]
      this.cancel(key)
      job.run()
      ran += 1
    }
    return ran
  }

  /** Keys of the jobs still waiting. */
  pending(): string[] {
    return [...this.jobs.keys()]
  }

  /** Cancels everything; nothing runs after stop. */
  stop(): void {
    for (const key of [...this.jobs.keys()]) this.cancel(key)
  }
}
