/**
 * `npm run bench`: autocannon against the real KlosetStore server and two baselines answering
 * the same JSON (bare `node:http`, bare Express), in one run, so the ratios compare like with
 * like on this machine. Prints a table and writes `bench/results/<timestamp>.json`.
 *
 * BENCH_DURATION (seconds per target, default 5), BENCH_WARMUP (seconds, default 1) and
 * BENCH_CONNECTIONS (default 10) tune it. docs/benchmarks.md explains how to read the numbers.
 * The checkout and webhook flows (flows.ts) run after the routes, on the same servers;
 * BENCH_ONLY picks targets, BENCH_CHECKOUTS and BENCH_FLOW_CONCURRENCY size the flows.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type SandboxHandle, startSandbox } from '@kloset/paystack-sandbox'
import autocannon from 'autocannon'
import { flowSettings, SANDBOX_ENV, selectTargets } from './flow-protocol.js'
import {
  type DbShare,
  dbShareOf,
  type FlowCall,
  type FlowMeasurement,
  flowCaller,
  flowRows,
  runCheckoutFlow,
  runWebhookFlow,
} from './flows.js'
import {
  BASELINES,
  type BenchRoute,
  type Fixtures,
  HOSTS,
  type HostName,
  routes,
  type ServersReady,
} from './targets.js'

const here = dirname(fileURLToPath(import.meta.url))
// Compiled to bench/dist; results live next to the sources.
const benchDir = here.endsWith('dist') ? dirname(here) : here
// The first run on a machine builds the embedded engine from Go sources: allow for it.
const READY_TIMEOUT_MS = 20 * 60_000
const STOP_TIMEOUT_MS = 15_000

function positive(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

const settings = {
  durationSeconds: positive('BENCH_DURATION', 5),
  warmupSeconds: positive('BENCH_WARMUP', 1),
  connections: Math.round(positive('BENCH_CONNECTIONS', 10)),
}

interface Measurement {
  route: string
  host: HostName
  requestsPerSecond: number
  latencyMs: { mean: number; p50: number; p99: number }
  requests: number
  non2xx: number
  errors: number
  /** The real server only: its database time during the measured seconds. */
  db?: DbShare
}

interface Ratio {
  route: string
  baseline: HostName
  /** kloset req/s divided by the baseline's: 0.25 means a quarter of its throughput. */
  throughput: number
  /** kloset p50 latency divided by the baseline's. */
  p50Latency: number | null
}

function startServers(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; ready: ServersReady }> {
  const child = fork(join(here, 'servers.js'), [], {
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`The servers were not ready within ${READY_TIMEOUT_MS / 60_000} minutes`))
    }, READY_TIMEOUT_MS)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`The servers process exited with code ${code} before it was ready`))
    })
    child.once('message', (message: ServersReady) => {
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ child, ready: message })
    })
  })
}

async function stopServers(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.send({ kind: 'stop' })
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

interface Load {
  result: autocannon.Result
  /** Every response time in milliseconds, sorted. */
  latencies: Float64Array
}

/**
 * One autocannon run. Response times are taken from its `response` events, not its histogram:
 * the histogram keeps whole milliseconds, and most of our baselines answer well under one.
 */
function load(base: string, route: BenchRoute, fixtures: Fixtures, seconds: number): Promise<Load> {
  const body = route.body?.(fixtures)
  const times: number[] = []
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}${route.path(fixtures)}`,
        method: route.method,
        headers: {
          ...route.headers?.(fixtures),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        connections: settings.connections,
        duration: seconds,
      },
      (error: unknown, result) => {
        if (error) reject(error)
        else resolve({ result, latencies: Float64Array.from(times).sort() })
      },
    )
    instance.on('response', (_client, _status, _bytes, ms) => {
      times.push(ms)
    })
  })
}

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0
}

async function measure(
  host: HostName,
  base: string,
  route: BenchRoute,
  fixtures: Fixtures,
  call: FlowCall,
): Promise<Measurement> {
  await load(base, route, fixtures, settings.warmupSeconds)
  if (host === 'kloset') await call('db-start', {})
  const { result, latencies } = await load(base, route, fixtures, settings.durationSeconds)
  const window = host === 'kloset' ? await call('db-stop', {}) : null
  const total = latencies.reduce((sum, ms) => sum + ms, 0)
  return {
    route: route.name,
    host,
    requestsPerSecond: Math.round(latencies.length / result.duration),
    latencyMs: {
      mean: round(latencies.length ? total / latencies.length : 0, 3),
      p50: round(percentile(latencies, 0.5), 3),
      p99: round(percentile(latencies, 0.99), 3),
    },
    requests: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    ...(window ? { db: dbShareOf(window, latencies.length, total) } : {}),
  }
}

function ratiosOf(measurements: Measurement[]): Ratio[] {
  const ratios: Ratio[] = []
  for (const route of routes) {
    const find = (host: HostName) =>
      measurements.find((m) => m.route === route.name && m.host === host)
    const ours = find('kloset')
    for (const baseline of BASELINES) {
      const theirs = find(baseline)
      if (!ours || !theirs || theirs.requestsPerSecond === 0) continue
      ratios.push({
        route: route.name,
        baseline,
        throughput: round(ours.requestsPerSecond / theirs.requestsPerSecond, 3),
        p50Latency:
          theirs.latencyMs.p50 > 0 ? round(ours.latencyMs.p50 / theirs.latencyMs.p50, 1) : null,
      })
    }
  }
  return ratios
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row, index) => {
      const line = row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
        )
        .join('  ')
      return index === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line
    })
    .join('\n')
}

async function main(): Promise<void> {
  const started = new Date()
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // Other work on the machine skews every target; the ratios within a run less so.
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
  }
  if (machine.loadAverage1m > machine.cpus / 2) {
    process.stdout.write(
      `Note: load average ${machine.loadAverage1m} on ${machine.cpus} CPUs before starting; expect noise.\n`,
    )
  }
  process.stdout.write(
    `Starting the servers (the first run on a machine builds the embedded engine)...\n`,
  )
  const selection = selectTargets(routes)
  const flowsWanted = selection.checkout || selection.webhook
  // Paystack's stand-in runs here, not next to the server: the real one is another machine.
  const sandbox: SandboxHandle | null = flowsWanted
    ? await startSandbox({
        secretKey: `sk_test_${randomBytes(20).toString('hex')}`,
        webhookUrl: null,
        feeModel: 'none',
      })
    : null
  const { child, ready } = await startServers(
    sandbox ? { [SANDBOX_ENV.secretKey]: sandbox.secretKey, [SANDBOX_ENV.url]: sandbox.url } : {},
  )
  const call = flowCaller(child)
  const measurements: Measurement[] = []
  const flows: FlowMeasurement[] = []
  try {
    for (const route of selection.routes) {
      for (const host of HOSTS) {
        process.stdout.write(`  ${route.name} on ${host}...\n`)
        measurements.push(await measure(host, ready.urls[host], route, ready.fixtures, call))
      }
    }
    if (sandbox && ready.flows) {
      const flow = {
        base: ready.urls.kloset,
        sandbox,
        fixtures: ready.flows,
        settings: flowSettings(),
        call,
        say: (line: string) => process.stdout.write(`${line}\n`),
      }
      const checkout = await runCheckoutFlow(flow)
      flows.push(checkout.measurement)
      if (selection.webhook) {
        process.stdout.write('  webhooks: paying the groups on the sandbox, then delivering...\n')
        flows.push(...(await runWebhookFlow(flow, checkout.references)))
      }
    }
  } finally {
    await stopServers(child)
    await sandbox?.stop()
  }
  const ratios = ratiosOf(measurements)

  process.stdout.write(
    `\n${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per target after ${settings.warmupSeconds} s warm-up; ` +
      `database: ${ready.engine}. The load generator shares the CPUs.\n\n`,
  )
  process.stdout.write(
    `${table([
      ['route', 'host', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      ...measurements.map((m) => [
        m.route,
        m.host,
        String(m.requestsPerSecond),
        String(m.latencyMs.mean),
        String(m.latencyMs.p50),
        String(m.latencyMs.p99),
        String(m.non2xx),
        String(m.errors),
      ]),
    ])}\n\n`,
  )
  process.stdout.write(
    `${table([
      ['route', 'kloset vs', 'throughput', 'p50 latency'],
      ...ratios.map((r) => [
        r.route,
        r.baseline,
        `${r.throughput}x`,
        r.p50Latency === null ? 'n/a' : `${r.p50Latency}x`,
      ]),
    ])}\n\n`,
  )

  if (flows.length > 0 || measurements.some((m) => m.db)) {
    const flowSizes = flowSettings()
    process.stdout.write(
      `Database time (driver command monitoring in the server process)` +
        (flows.length > 0
          ? `; flows: ${flowSizes.checkouts} checkouts in rounds of ${flowSizes.shoppers}, ` +
            `${flowSizes.concurrency} in flight`
          : '') +
        `.\n\n`,
    )
    const routeRows = measurements.flatMap((m) =>
      m.db
        ? [
            {
              name: m.route,
              perSecond: m.requestsPerSecond,
              p50: m.latencyMs.p50,
              p99: m.latencyMs.p99,
              failures: m.non2xx + m.errors,
              db: m.db,
            },
          ]
        : [],
    )
    const flowRowsInput = flows.map((f) => ({
      name: f.name,
      perSecond: f.perSecond,
      ...(f.settledPerSecond === undefined ? {} : { settledPerSecond: f.settledPerSecond }),
      p50: f.latencyMs.p50,
      p99: f.latencyMs.p99,
      failures: f.failures,
      db: f.db,
    }))
    process.stdout.write(`${table(flowRows([...routeRows, ...flowRowsInput]))}\n\n`)
  }

  const resultsDir = join(benchDir, 'results')
  await mkdir(resultsDir, { recursive: true })
  const file = join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`)
  const report = {
    date: started.toISOString(),
    machine,
    settings,
    database: ready.engine,
    measurements,
    ratios,
    flowSettings: flows.length > 0 ? flowSettings() : null,
    flows,
  }
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`Results written to ${file}\n`)

  const failedFlows = flows.filter((f) => f.failures > 0)
  if (failedFlows.length > 0) {
    process.stderr.write(
      `Some flow requests failed, so those numbers do not measure the flow:\n${failedFlows
        .map((f) => `  ${f.name}: ${f.failures} failed, first: ${f.firstFailure}`)
        .join('\n')}\n`,
    )
    process.exitCode = 1
  }
  const failed = measurements.filter((m) => m.non2xx > 0 || m.errors > 0)
  if (failed.length > 0) {
    process.stderr.write(
      `Some targets answered errors, so their numbers do not measure the route:\n${failed
        .map((m) => `  ${m.route} on ${m.host}: ${m.non2xx} non-2xx, ${m.errors} errors`)
        .join('\n')}\n`,
    )
    process.exitCode = 1
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
