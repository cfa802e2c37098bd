import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { freePort } from '@kloset/embedded-db'
import { checkedFetch } from '../test-support/checked-fetch.js'

/**
 * `npm start` as a container runtime runs it: PID 1 gets SIGTERM and everything it started (the
 * server, the embedded engine, the Paystack sandbox) must stop. Runs the BUILT server (npm test
 * builds first); KLOSET_SKIP_SETUP skips the rebuild bin/setup would do.
 */
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url))
const STARTUP_MS = 90_000

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}
const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => {
    if (child.exitCode !== null) done(child.exitCode)
    else child.once('exit', (code) => done(code))
  })

describe('npm start', () => {
  let dataDir: string
  let npm: ChildProcess | undefined
  afterAll(async () => {
    if (npm?.pid && alive(npm.pid)) npm.kill('SIGKILL')
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('stops the server and the engine it started on SIGTERM', async () => {
    expect(existsSync(join(repoRoot, 'packages/server/dist/main.js'))).toBe(true)
    dataDir = await mkdtemp(join(tmpdir(), 'kloset-npm-start-'))
    const port = await freePort()
    npm = spawn('npm', ['start'], {
      cwd: repoRoot,
      env: { ...process.env, KLOSET_SKIP_SETUP: '1', PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout!.on('data', (chunk) => (output += chunk))
    npm.stderr!.on('data', (chunk) => (output += chunk))
    const deadline = Date.now() + STARTUP_MS
    while (!output.includes('KlosetStore is running')) {
      if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`no start:\n${output}`)
      await new Promise((done) => setTimeout(done, 200))
    }
    const health = await checkedFetch(`http://127.0.0.1:${port}/healthz`)
    expect(health.status).toBe(200)
    const engine = JSON.parse(await readFile(join(dataDir, 'engine', 'engine.json'), 'utf8'))
    const server = childrenOf(npm.pid!)
    expect(server).toHaveLength(1)
    expect(alive(engine.pid)).toBe(true)

    npm.kill('SIGTERM')
    const code = await exited(npm)
    expect(code).toBe(0)
    expect(alive(server[0]!)).toBe(false)
    expect(alive(engine.pid)).toBe(false)
    await expect(checkedFetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  })
})
