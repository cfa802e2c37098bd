import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, openSync } from 'node:fs'
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, Socket } from 'node:net'
import { join, resolve } from 'node:path'
import {
  EngineUnavailableError,
  type EngineVariant,
  ensureEngineBinary,
  isAlive,
} from './binary.js'

/** A running engine: its MongoDB URI (no database name) and how to let go of it. */
export interface EngineHandle {
  uri: string
  /** True when this process started the engine and so will stop it. */
  owned: boolean
  /** Stops the engine if this process owns it; otherwise does nothing. */
  stop(): Promise<void>
}

interface EngineState {
  pid: number
  port: number
  uri: string
  ownerPid: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function canConnect(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket()
    const finish = (ok: boolean) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(timeoutMs, () => finish(false))
    socket.once('error', () => finish(false))
    socket.connect(port, '127.0.0.1', () => finish(true))
  })
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => done(port))
    })
  })
}

async function readState(file: string): Promise<EngineState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as EngineState
  } catch {
    return undefined
  }
}

async function reusable(state: EngineState | undefined): Promise<boolean> {
  return !!state && isAlive(state.pid) && (await canConnect(state.port))
}

/**
 * Starts the engine for a data directory, or reuses the one already serving it. Every process
 * that uses the same directory (the server, a CLI command in another terminal) shares one engine;
 * the process that started it stops it when it exits.
 * @throws EngineUnavailableError when the engine cannot be built or does not come up.
 */
export async function ensureEngine(dataDir: string): Promise<EngineHandle> {
  const dir = join(resolve(dataDir), 'engine')
  const stateFile = join(dir, 'engine.json')
  await mkdir(join(dir, 'sqlite'), { recursive: true })

  const existing = await readState(stateFile)
  if (existing && (await reusable(existing))) return borrowed(existing.uri)

  const lock = join(dir, 'start.lock')
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lock)
      break
    } catch {
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > 20 * 60_000) await rm(lock, { recursive: true, force: true })
      const state = await readState(stateFile)
      if (await reusable(state)) return borrowed(state!.uri)
      if (attempt > 20 * 60 * 4) throw new EngineUnavailableError(`Timed out waiting for ${lock}`)
      await sleep(250)
    }
  }

  try {
    const state = await readState(stateFile)
    if (await reusable(state)) return borrowed(state!.uri)
    const binary = await ensureEngineBinary()
    return await launch(binary, dir, stateFile)
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

function borrowed(uri: string): EngineHandle {
  return { uri, owned: false, stop: async () => {} }
}

/**
 * Starts a private engine on a fresh directory; used by tests and benchmarks. The benchmarks
 * also start the `upstream` variant, to compare it with the patched engine in one run.
 */
export async function startEngine(
  dir: string,
  options: { variant?: EngineVariant } = {},
): Promise<EngineHandle> {
  await mkdir(join(dir, 'sqlite'), { recursive: true })
  return launch(await ensureEngineBinary(options), dir, join(dir, 'engine.json'))
}

/** Starts the engine binary on a port and waits until it accepts connections. */
async function spawnEngine(binary: string, dir: string, port: number): Promise<ChildProcess> {
  const logFd = openSync(join(dir, 'engine.log'), 'a')
  const child: ChildProcess = spawn(
    binary,
    [
      `--listen-addr=127.0.0.1:${port}`,
      `--sqlite-url=file:${join(dir, 'sqlite')}/`,
      '--exit-on-stdin-close',
    ],
    { stdio: ['pipe', 'ignore', logFd], env: { ...process.env, DO_NOT_TRACK: '1' } },
  )
  // The pipe keeps the engine alive exactly as long as this process: when we die, stdin closes.
  child.stdin?.on('error', () => {})
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  const deadline = Date.now() + 30_000
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      const log = await readFile(join(dir, 'engine.log'), 'utf8').catch(() => '')
      child.kill('SIGKILL')
      throw new EngineUnavailableError(
        `The embedded engine did not start. Last log lines:\n${log.split('\n').slice(-10).join('\n')}`,
      )
    }
    await sleep(50)
  }
  return child
}

const note = (dir: string, line: string) =>
  appendFile(join(dir, 'engine.log'), `${new Date().toISOString()} kloset: ${line}\n`).catch(
    () => {},
  )

/** Restart delays after unexpected exits: quick at first, then no faster than every 5 s. */
const RESTART_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000]
/** A run this long counts as healthy: the next exit starts the delays from the beginning. */
const HEALTHY_RUN_MS = 30_000

/**
 * Starts the engine and supervises it: if it exits without being asked to (a crash, a kill), it
 * is started again on the same port and data, so open connection pools reconnect by themselves;
 * meanwhile commands fail fast and the API answers 503 (docs/operations.md).
 */
async function launch(binary: string, dir: string, stateFile: string): Promise<EngineHandle> {
  const port = await freePort()
  const uri = `mongodb://127.0.0.1:${port}/`
  let child = await spawnEngine(binary, dir, port)
  let stopping = false
  let failures = 0
  let startedAt = Date.now()
  const record = () =>
    writeFile(stateFile, JSON.stringify({ pid: child.pid!, port, uri, ownerPid: process.pid }))
  await record()

  const supervise = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopping) return
      if (Date.now() - startedAt > HEALTHY_RUN_MS) failures = 0
      const delay = RESTART_DELAYS_MS[Math.min(failures++, RESTART_DELAYS_MS.length - 1)]!
      void note(dir, `engine exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`)
      const restart = async () => {
        if (stopping) return
        try {
          child = await spawnEngine(binary, dir, port)
          startedAt = Date.now()
          await record()
          supervise(child)
          await note(dir, `engine restarted (pid ${child.pid})`)
          if (stopping) child.kill('SIGTERM')
        } catch (error) {
          await note(dir, `restart failed: ${(error as Error).message.split('\n')[0]}`)
          setTimeout(restart, RESTART_DELAYS_MS.at(-1)).unref()
        }
      }
      setTimeout(restart, delay).unref()
    })
  }
  supervise(child)

  const stop = async () => {
    stopping = true
    const current = child
    if (current.exitCode !== null || current.signalCode !== null) return
    const gone = new Promise<void>((done) => current.once('exit', () => done()))
    current.kill('SIGTERM')
    current.stdin?.destroy()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([gone, new Promise((done) => (timer = setTimeout(done, 5_000)))])
    clearTimeout(timer)
    if (current.exitCode === null && current.signalCode === null) current.kill('SIGKILL')
    const state = await readState(stateFile)
    if (state?.pid === current.pid && existsSync(stateFile)) await rm(stateFile, { force: true })
  }
  return { uri, owned: true, stop }
}
