import { join } from 'node:path'
import { ConfigError, createCore, EngineUnavailableError, loadConfig } from '@kloset/core'
import { startServer } from './server.js'

/**
 * `npm start`: the marketplace on its embedded defaults. Reads the environment, opens the
 * database (the embedded engine unless MONGODB_URI is set), serves the API and the WebSocket,
 * and stops everything it started on SIGINT or SIGTERM.
 */
async function main() {
  const config = loadConfig()
  const core = await createCore(config)
  const running = await startServer(core, { port: config.port, mediaDir: join(config.dataDir, 'media') })
  const base = running.url
  const lines = [
    '',
    'KlosetStore is running',
    `  API        ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)`,
    `  WebSocket  ${base.replace(/^http/, 'ws')}/ws`,
    `  Health     ${base}/healthz   ${base}/readyz`,
    `  Database   ${core.engine === 'embedded' ? `embedded FerretDB under ${config.dataDir}` : 'MongoDB (MONGODB_URI)'}`,
    `  Mail       ${config.smtpUrl ? 'SMTP (SMTP_URL)' : `captured under ${join(config.dataDir, 'mail')}: bin/kloset mail list`}`,
    `  Redis      ${config.redisUrl ? 'REDIS_URL' : 'in-process (set REDIS_URL to share limits and events)'}`,
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    core.logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await running.close()
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
