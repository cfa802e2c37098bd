import {
  ConfigError,
  createCore,
  describeDemoSeed,
  EngineUnavailableError,
  loadConfig,
  mailCaptureDir,
  mediaDirOf,
  startScheduler,
} from '@kloset/core'
import { startLocalPaystack } from './host/paystack-sandbox.js'
import { startServer } from './server.js'

/**
 * `npm start`: the marketplace on its embedded defaults. Reads the environment, opens the
 * database (the embedded engine unless MONGODB_URI is set), serves the API and the WebSocket,
 * and stops everything it started on SIGINT or SIGTERM.
 */
async function main() {
  // Without a Paystack key, the local sandbox stands in for Paystack (docs/paystack.md).
  const paystack = await startLocalPaystack(loadConfig())
  const config = paystack.config
  const core = await createCore(config)
  // A first start on an empty embedded data directory gets demo data to look at; a database
  // with any account (or a MongoDB server) is never touched.
  const demo =
    core.engine === 'embedded' && config.env !== 'production' && (await core.seed.isEmpty())
      ? await core.seed.demo()
      : undefined
  const running = await startServer(core, {
    port: config.port,
    mediaDir: mediaDirOf(config),
  })
  // The timed jobs run alongside the API; their locks keep a separate `kloset scheduler` safe.
  const scheduler = startScheduler(core.jobs, core.logger)
  const base = running.url
  const lines = [
    '',
    'KlosetStore is running',
    `  API        ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)`,
    `  WebSocket  ${base.replace(/^http/, 'ws')}/ws`,
    `  Health     ${base}/healthz   ${base}/readyz`,
    `  Database   ${core.engine === 'embedded' ? `embedded FerretDB under ${config.dataDir}` : 'MongoDB (MONGODB_URI)'}`,
    `  Mail       ${config.smtpUrl ? 'SMTP (SMTP_URL)' : `captured under ${mailCaptureDir(config)}: bin/kloset mail list`}`,
    `  Redis      ${config.redisUrl ? 'REDIS_URL' : 'in-process (set REDIS_URL to share limits and events)'}`,
    `  Paystack   ${paystack.banner}`,
    `  Jobs       ${scheduler.jobs.map((j) => j.name).join(', ')} (bin/kloset jobs list)`,
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')
  if (demo) process.stdout.write(`${describeDemoSeed(demo).join('\n')}\n\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    core.logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    // Readiness flips and the listener closes at once; jobs stop between units of work meanwhile.
    await Promise.all([running.close(), scheduler.stop()])
    await paystack.sandbox?.stop()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof EngineUnavailableError) {
    process.stderr.write(`\n${error.message}\n\n`)
  } else {
    process.stderr.write(`${error?.stack ?? error}\n`)
  }
  process.exit(1)
})
