import { type ChildProcess, spawn } from 'node:child_process'
import { freePort } from '@kloset/embedded-db'
import { Redis } from 'ioredis'

/** True when a Redis answers on the loopback port. */
async function answers(port: number): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await probe.connect()
    return (await probe.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

/** A private `redis-server` on a loopback port, for tests that kill it. */
export interface TestRedis {
  port: number
  url: string
  process: ChildProcess
  /** Kills the server (SIGKILL) and waits for it to be gone. */
  kill(): Promise<void>
}

/**
 * Starts `redis-server` with no persistence on `port` (a free one by default) and waits until it
 * answers. @throws Error when it never does (no redis-server on the machine).
 */
export async function startRedisServer(port?: number): Promise<TestRedis> {
  const chosen = port ?? (await freePort())
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  child.once('error', () => {})
  for (let i = 0; i < 100 && !(await answers(chosen)); i++)
    await new Promise((r) => setTimeout(r, 50))
  if (!(await answers(chosen))) {
    child.kill('SIGKILL')
    throw new Error('Tests need Redis: install redis-server, or set KLOSET_TEST_REDIS_URL')
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    process: child,
    kill: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGKILL')
      }),
  }
}
