#!/usr/bin/env node
// Times POST /api/v1/auth/forgot-password for a known and an unknown address (issue 13: the
// answer must not tell them apart). Runs the built server of a checkout on a private engine
// directory and a local SMTP server; prints medians. Not a test: timing is never asserted.
//
//   node bench/time-forgot-password.mjs [checkout root, default this one] [samples, default 40]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)))
const samples = Number(process.argv[3] ?? 40)
const load = (path) => import(pathToFileURL(join(root, path)).href)
const core = await load('packages/core/dist/index.js')
const { startServer } = await load('packages/server/dist/index.js')
const { SMTPServer } = await import('smtp-server')

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, done) {
    stream.resume()
    stream.on('end', () => done())
  },
})
await new Promise((done) => smtp.listen(0, '127.0.0.1', done))
const dataDir = await mkdtemp(join(tmpdir(), 'kloset-time-forgot-'))
const config = core.loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: dataDir,
  SMTP_URL: `smtp://127.0.0.1:${smtp.server.address().port}`,
  LOG_LEVEL: 'silent',
})
// Lift the per-address mail limit so that one address can be timed many times.
config.auth = { ...config.auth, mailLimit: { perAddress: 1e9, windowSeconds: 900 } }
const app = await core.createCore(config)
const server = await startServer(app, { port: 0, host: '127.0.0.1' })
const known = 'timing.known@example.test'
await app.accounts.createAdmin(
  core.makeCtx({ kind: 'admin-cli', id: 'timing', osUser: 'timing' }, new Date()),
  { email: known, name: 'Timing', password: 'a long enough timing password' },
)

async function once(email) {
  const started = performance.now()
  const res = await fetch(`${server.url}/api/v1/auth/forgot-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  })
  await res.text()
  return performance.now() - started
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]

const times = { known: [], unknown: [] }
for (let i = 0; i < 5; i++) await Promise.all([once(known), once(`warm${i}@example.test`)])
for (let i = 0; i < samples; i++) {
  times.known.push(await once(known))
  times.unknown.push(await once(`nobody${i}@example.test`))
}
for (const [kind, xs] of Object.entries(times)) {
  console.log(
    `${kind.padEnd(8)} median ${median(xs).toFixed(1)} ms   p90 ${p90(xs).toFixed(1)} ms   (${xs.length} samples)`,
  )
}
await server.close()
await app.close()
await new Promise((done) => smtp.close(done))
await rm(dataDir, { recursive: true, force: true })
