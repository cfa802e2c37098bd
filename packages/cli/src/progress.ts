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
