/**
 * A spinner with counts for long work (payout runs, the seed, jobs run by hand), on stderr so
 * stdout stays the command's output. Drawn only on a terminal and never under `--json`: a
 * script or a log file gets nothing from it.
 */
export interface ProgressStream {
  isTTY?: boolean
  write(text: string): unknown
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export class Progress {
  private frame = 0
  private timer: NodeJS.Timeout | undefined
  private started = Date.now()
  private done?: number
  private total?: number

  constructor(
    private label: string,
    private stream: ProgressStream = process.stderr,
    private enabled = !!stream.isTTY,
  ) {}

  /** Starts drawing, every `intervalMs`; `poll` (optional) updates the counts meanwhile. */
  start(poll?: () => Promise<{ done: number; total?: number }>, intervalMs = 120): this {
    if (!this.enabled) return this
    this.started = Date.now()
    let polling = false
    this.timer = setInterval(() => {
      if (poll && !polling) {
        polling = true
        poll()
          .then((counts) => this.update(counts.done, counts.total))
          .catch(() => {})
          .finally(() => (polling = false))
      }
      this.draw()
    }, intervalMs)
    this.timer.unref()
    this.draw()
    return this
  }

  update(done: number, total?: number): void {
    this.done = done
    if (total !== undefined) this.total = total
  }

  /** The line as drawn now: spinner, label, counts, a bar when the total is known, seconds. */
  line(): string {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1)
    const spinner = FRAMES[this.frame % FRAMES.length]
    let counts = ''
    if (this.done !== undefined && this.total) {
      const filled = Math.round((Math.min(this.done, this.total) / this.total) * 20)
      counts = ` [${'█'.repeat(filled)}${'░'.repeat(20 - filled)}] ${this.done}/${this.total}`
    } else if (this.done !== undefined) {
      counts = ` ${this.done}`
    }
    return `${spinner} ${this.label}${counts} ${seconds}s`
  }

  private draw(): void {
    this.frame++
    this.stream.write(`\r\x1b[2K${this.line()}`)
  }

  /** Stops and clears the line (the command prints its result after). */
  stop(): void {
    if (!this.enabled) return
    clearInterval(this.timer)
    this.stream.write('\r\x1b[2K')
  }

  /** Runs `work` with the spinner shown, and clears it whatever happens. */
  async around<T>(work: Promise<T>, poll?: () => Promise<{ done: number; total?: number }>) {
    this.start(poll)
    try {
      return await work
    } finally {
      this.stop()
    }
  }
}

/** One line of a progress bar: `[#####-----]  50% epoch 150/300 loss 0.2310`. */
export function progressLine(done: number, total: number, note = '', width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 1
  const filled = Math.round(share * width)
  const percent = `${Math.round(share * 100)}%`.padStart(4)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${note}`.trimEnd()
}

/**
 * A progress bar on stderr, redrawn in place, for long commands (`kloset fraud model train`).
 * Silent when stderr is not a terminal or under `--json`, so scripts and logs get no noise.
 */
export function progressBar(enabled: boolean) {
  const tty = enabled && process.stderr.isTTY === true
  let last = -1
  return {
    update(done: number, total: number, note = ''): void {
      if (!tty) return
      const percent = Math.floor((done / total) * 100)
      if (percent === last && done !== total) return
      last = percent
      process.stderr.write(`\r${progressLine(done, total, note)}`)
      if (done >= total) process.stderr.write('\n')
    },
  }
}
