import { describe, expect, it } from '@jest/globals'
import { Progress } from './progress.js'

/** A terminal that keeps what is drawn on it. */
function aTerminal(isTTY = true) {
  const written: string[] = []
  return { isTTY, written, write: (text: string) => written.push(text) }
}

describe('the progress spinner', () => {
  it('draws counts and a bar from the poll, then clears its line', async () => {
    const terminal = aTerminal()
    let done = 0
    const work = new Promise((resolve) => setTimeout(resolve, 400))
    await new Progress('Paying 2026-W49', terminal).around(work, async () => ({
      done: ++done > 3 ? 3 : done,
      total: 3,
    }))
    const drawn = terminal.written.join('')
    expect(drawn).toContain('Paying 2026-W49')
    expect(drawn).toMatch(/\[█+░*\] [123]\/3/)
    expect(terminal.written.at(-1)).toBe('\r\x1b[2K')
  })

  it('draws nothing off a terminal, so logs and pipes stay clean', async () => {
    const pipe = aTerminal(false)
    const result = await new Progress('Seeding', pipe).around(Promise.resolve(42))
    expect(result).toBe(42)
    expect(pipe.written).toEqual([])
  })

  it('clears its line when the work fails', async () => {
    const terminal = aTerminal()
    await expect(
      new Progress('Running', terminal).around(Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom')
    expect(terminal.written.at(-1)).toBe('\r\x1b[2K')
  })
})
