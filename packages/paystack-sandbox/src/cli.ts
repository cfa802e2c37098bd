import { parseArgs } from 'node:util'
import type { SettleDelay } from './jobs.scheduler.js'
import { DEFAULT_RETRY_SCHEDULE, type SandboxOptions } from './sandbox.context.js'
import { startSandbox } from './sandbox.server.js'

const HELP = `kloset-paystack-sandbox: an offline, stateful Paystack emulator

Usage: kloset-paystack-sandbox [flags]

  --port <n>                   port to listen on (default 8090; 0 picks a free one)
  --host <addr>                address to bind (default 127.0.0.1)
  --secret-key <sk_test_...>   key clients send as Bearer (default $PAYSTACK_SECRET_KEY or sk_test_kloset_sandbox)
  --webhook-url <url>          where events are POSTed (default $PAYSTACK_WEBHOOK_URL; none)
  --public-url <url>           base of checkout links when reached through another address
  --persist-file <path>        keep state in this JSON file across restarts
  --transfer-delay-ms <n|manual>  delay before transfers settle (default 2000)
  --refund-delay-ms <n|manual>    delay before refunds settle (default 2000)
  --webhook-retry-schedule <ms,ms,...>  waits between webhook retries (default ${DEFAULT_RETRY_SCHEDULE.join(',')})
  --merchant-name <name>       shown on the checkout page (default KlosetStore)
  --fee-model <paystack|none>  fees taken from charges and transfers (default paystack)
  --control                    serve /__sandbox/* even on a non-loopback host
  --json                       print the start-up line as JSON
  -h, --help                   show this help
`

function delay(raw: string | undefined, flag: string): SettleDelay | undefined {
  if (raw === undefined) return undefined
  if (raw === 'manual') return 'manual'
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${flag} takes milliseconds or "manual"`)
  return value
}

/** Parses CLI flags into sandbox options. @throws Error for malformed flags. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'secret-key': { type: 'string' },
      'webhook-url': { type: 'string' },
      'public-url': { type: 'string' },
      'persist-file': { type: 'string' },
      'transfer-delay-ms': { type: 'string' },
      'refund-delay-ms': { type: 'string' },
      'webhook-retry-schedule': { type: 'string' },
      'merchant-name': { type: 'string' },
      'fee-model': { type: 'string' },
      control: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const port = Number(values.port ?? 8090)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port takes 0-65535')
  const schedule = values['webhook-retry-schedule']
  const feeModel = values['fee-model']
  if (feeModel !== undefined && feeModel !== 'paystack' && feeModel !== 'none') {
    throw new Error('--fee-model takes paystack or none')
  }
  const options: SandboxOptions = {
    port,
    host: values.host ?? '127.0.0.1',
    secretKey: values['secret-key'] ?? env.PAYSTACK_SECRET_KEY ?? 'sk_test_kloset_sandbox',
    webhookUrl: values['webhook-url'] ?? env.PAYSTACK_WEBHOOK_URL ?? null,
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['persist-file'] ? { persistFile: values['persist-file'] } : {}),
    ...(values['merchant-name'] ? { merchantName: values['merchant-name'] } : {}),
    ...(feeModel ? { feeModel } : {}),
    ...(values.control ? { controlEndpoints: true } : {}),
  }
  const transferDelay = delay(values['transfer-delay-ms'], '--transfer-delay-ms')
  if (transferDelay !== undefined) options.transferDelayMs = transferDelay
  const refundDelay = delay(values['refund-delay-ms'], '--refund-delay-ms')
  if (refundDelay !== undefined) options.refundDelayMs = refundDelay
  if (schedule !== undefined) {
    const waits = schedule === '' ? [] : schedule.split(',').map(Number)
    if (waits.some((wait) => !Number.isInteger(wait) || wait < 0)) {
      throw new Error('--webhook-retry-schedule takes comma-separated milliseconds')
    }
    options.webhookRetrySchedule = waits
  }
  return { options, json: values.json === true, help: values.help === true }
}

/** Runs the CLI until SIGINT/SIGTERM; returns the process exit code on a start-up failure. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCliOptions>
  try {
    parsed = parseCliOptions(argv)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`)
    return 2
  }
  if (parsed.help) {
    process.stdout.write(HELP)
    return 0
  }
  const sandbox = await startSandbox(parsed.options)
  const started = {
    url: sandbox.url,
    secretKey: sandbox.secretKey,
    webhookUrl: sandbox.state.webhookUrl,
    persistFile: parsed.options.persistFile ?? null,
  }
  process.stdout.write(
    parsed.json
      ? `${JSON.stringify(started)}\n`
      : `Paystack sandbox listening on ${started.url} (key ${started.secretKey}, webhooks to ${started.webhookUrl ?? 'nowhere yet'})\n`,
  )
  const shutdown = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  return 0
}
