import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EngineHandle, freePort, startEngine } from '@kloset/embedded-db'

declare global {
  var __klosetEngine: EngineHandle | undefined
  var __klosetRedis: ChildProcess | undefined
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket()
    let reply = ''
    const finish = (ok: boolean) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(1_000, () => finish(false))
    socket.once('error', () => finish(false))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'))
    })
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
  })
}

/**
 * Starts what every test file shares: one embedded engine on a fresh directory (each test file
 * then uses its own database in it) and a Redis (the machine's on 6379, or one we start).
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kloset-test-engine-'))
  const engine = await startEngine(dir)
  globalThis.__klosetEngine = engine
  process.env.KLOSET_TEST_MONGODB_URI = engine.uri

  if (process.env.KLOSET_TEST_REDIS_URL) return
  if (await redisAnswers(6379)) {
    process.env.KLOSET_TEST_REDIS_URL = 'redis://127.0.0.1:6379/15'
    return
  }
  const port = await freePort()
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  redis.once('error', () => {})
  globalThis.__klosetRedis = redis
  for (let i = 0; i < 100 && !(await redisAnswers(port)); i++)
    await new Promise((r) => setTimeout(r, 50))
  if (!(await redisAnswers(port))) {
    throw new Error('Tests need Redis: install redis-server, or set KLOSET_TEST_REDIS_URL')
  }
  process.env.KLOSET_TEST_REDIS_URL = `redis://127.0.0.1:${port}/15`
}
