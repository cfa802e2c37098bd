/**
 * `npm run bench`: autocannon against the real KlosetStore server and two baselines answering
 * the same JSON (bare `node:http`, bare Express), in one run, so the ratios compare like with
 * like on this machine. Prints a table and writes `bench/results/<timestamp>.json`.
 *
 * BENCH_DURATION (seconds per target, default 5), BENCH_WARMUP (seconds, default 1) and
 * BENCH_CONNECTIONS (default 10) tune it. docs/benchmarks.md explains how to read the numbers.
 * The checkout and webhook flows (flows.ts) run after the routes, on the same servers;
 * BENCH_ONLY picks targets, BENCH_CHECKOUTS and BENCH_FLOW_CONCURRENCY size the flows.
 *
 * Everything runs once per scenario, each with its own servers process, engine and data:
 * BENCH_ORDERS (default 1000,10000,50000) lists the data sizes on the patched embedded engine,
 * BENCH_UPSTREAM_ORDERS (default 1000; `none` to skip) the sizes on FerretDB as published, for
 * the comparison the patch is judged by. preload.ts fills each database before the load starts.
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
  type PairedRead,
  pairedRecommendationReads,
  READ_GOAL,
  recommendationReadRatios,
} from './recommendations.js'
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
  env: Record<string, string>,
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
        connections: route.connections ?? settings.connections,
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

/** One engine at one data size: its own servers process, engine, data and sandbox. */
interface Scenario {
  variant: 'patched' | 'upstream'
  orders: number
}

interface ScenarioResult extends Scenario {
  engine: string
  preload: ServersReady['preload']
  recommendationJob: ServersReady['recommendationJob']
  /** Recommendation reads' req/s over the cached catalog list's (goal >= 0.8). */
  recommendationReads: ReturnType<typeof recommendationReadRatios>
  /** The same reads requested alternately with the list (and /me), one at a time. */
  recommendationPairs: PairedRead[]
  measurements: Measurement[]
  ratios: Ratio[]
  flows: FlowMeasurement[]
}

/** `BENCH_ORDERS` (patched engine) and `BENCH_UPSTREAM_ORDERS` (upstream engine, or `none`). */
function scenarios(): Scenario[] {
  const sizes = (name: string, fallback: string) => {
    const raw = (process.env[name] ?? fallback).trim()
    if (raw === 'none' || raw === '') return []
    return raw.split(',').map((word) => {
      const value = Number(word.trim())
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new Error(`${name} must list order counts, e.g. 1000,10000,50000`)
      }
      return value
    })
  }
  return [
    ...sizes('BENCH_ORDERS', '1000,10000,50000').map((orders) => ({
      variant: 'patched' as const,
      orders,
    })),
    ...sizes('BENCH_UPSTREAM_ORDERS', '1000').map((orders) => ({
      variant: 'upstream' as const,
      orders,
    })),
  ]
}

/**
 * The upstream engine is there for checkout and `/me`: its lists take seconds a request, so a
 * timed window of them measures its backlog, and the cached catalog routes queue behind it.
 */
function routesOf(scenario: Scenario, selected: BenchRoute[]): BenchRoute[] {
  if (scenario.variant === 'patched') return selected
  return selected.filter((r) => r.name === 'GET /healthz' || r.name.includes('/api/v1/me'))
}

const say = (line: string) => process.stdout.write(`${line}\n`)

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const selection = selectTargets(routes)
  const flowsWanted = selection.checkout || selection.webhook
  // Paystack's stand-in runs here, not next to the server: the real one is another machine.
  // The preload pays its template checkout on it too.
  const sandbox: SandboxHandle | null =
    flowsWanted || scenario.orders > 0
      ? await startSandbox({
          secretKey: `sk_test_${randomBytes(20).toString('hex')}`,
          webhookUrl: null,
          feeModel: 'none',
        })
      : null
  say(`\n== ${scenario.variant} engine, ${scenario.orders} orders: starting the servers...`)
  const { child, ready } = await startServers({
    BENCH_ENGINE_VARIANT: scenario.variant,
    BENCH_PRELOAD_ORDERS: String(scenario.orders),
    ...(sandbox
      ? { [SANDBOX_ENV.secretKey]: sandbox.secretKey, [SANDBOX_ENV.url]: sandbox.url }
      : {}),
  })
  if (ready.preload) {
    say(
      `  loaded ${ready.preload.orders} orders in ${ready.preload.seconds} s: ` +
        Object.entries(ready.preload.documents)
          .map(([name, n]) => `${name} ${n}`)
          .join(', '),
    )
  }
  const job = ready.recommendationJob
  say(
    `  recommendations job: ${job.ms} ms for ${job.orders} orders (${job.paidLines} paid lines, ${job.products} products, ${job.buyers} buyers, ${job.lists} lists; read ${job.steps.read} ms, compute ${job.steps.compute} ms, write ${job.steps.write} ms)`,
  )
  const call = flowCaller(child)
  const measurements: Measurement[] = []
  const flows: FlowMeasurement[] = []
  let recommendationPairs: PairedRead[] = []
  try {
    if (scenario.variant === 'patched') {
      say('  recommendation reads, paired with the catalog list...')
      recommendationPairs = await pairedRecommendationReads(ready.urls.kloset, ready.fixtures)
    }
    for (const route of routesOf(scenario, selection.routes)) {
      for (const host of HOSTS) {
        say(`  ${route.name} on ${host}...`)
        measurements.push(await measure(host, ready.urls[host], route, ready.fixtures, call))
      }
    }
    if (sandbox && ready.flows && flowsWanted) {
      const flow = {
        base: ready.urls.kloset,
        sandbox,
        fixtures: ready.flows,
        settings: flowSettings(),
        call,
        say,
      }
      const checkout = await runCheckoutFlow(flow)
      flows.push(checkout.measurement)
      // Upstream confirms about one group in five seconds: its checkout is the comparison.
      if (selection.webhook && scenario.variant === 'patched') {
        say('  webhooks: paying the groups on the sandbox, then delivering...')
        flows.push(...(await runWebhookFlow(flow, checkout.references)))
      }
    }
  } finally {
    await stopServers(child)
    await sandbox?.stop()
  }
  return {
    ...scenario,
    engine: ready.engine,
    preload: ready.preload,
    recommendationJob: ready.recommendationJob,
    recommendationReads: recommendationReadRatios(measurements),
    recommendationPairs,
    measurements,
    ratios: ratiosOf(measurements),
    flows,
  }
}

function printScenario(result: ScenarioResult): void {
  const { measurements, ratios, flows } = result
  say(
    `\n== ${result.variant} engine, ${result.preload?.orders ?? 0} orders (database: ${result.engine})\n`,
  )
  say(
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
    ])}\n`,
  )
  say(
    `${table([
      ['route', 'kloset vs', 'throughput', 'p50 latency'],
      ...ratios.map((r) => [
        r.route,
        r.baseline,
        `${r.throughput}x`,
        r.p50Latency === null ? 'n/a' : `${r.p50Latency}x`,
      ]),
    ])}\n`,
  )
  const job = result.recommendationJob
  say(
    `Recommendations job: ${job.ms} ms for ${job.orders} orders (${job.paidLines} paid lines). ` +
      `Reads vs the cached catalog list (goal >= ${READ_GOAL}x req/s): ` +
      (result.recommendationReads
        .map((r) => `${r.route} ${r.ratio}x${r.met ? '' : ' (goal missed)'}`)
        .join('; ') || 'not measured') +
      '\n',
  )
  if (result.recommendationPairs.length > 0)
    say(
      `Paired, one request at a time, alternating (goal: p50 at most 1.2x the list's):\n${table([
        ['route', 'vs', 'p50 ms', 'vs p50 ms', 'ratio'],
        ...result.recommendationPairs.map((p) => [
          p.route,
          p.against,
          String(p.p50Ms),
          String(p.againstP50Ms),
          `${p.ratio}x`,
        ]),
      ])}\n`,
    )
  if (flows.length === 0 && !measurements.some((m) => m.db)) return
  const flowSizes = flowSettings()
  say(
    `Database time (driver command monitoring in the server process)` +
      (flows.length > 0
        ? `; flows: ${flowSizes.checkouts} checkouts in rounds of ${flowSizes.shoppers}, ` +
          `${flowSizes.concurrency} in flight`
        : '') +
      `.\n`,
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
  say(`${table(flowRows([...routeRows, ...flowRowsInput]))}\n`)
}

/** The figures the engine issue sets goals for, one row per scenario. */
function summaryRows(results: ScenarioResult[]): string[][] {
  const kloset = (r: ScenarioResult, word: string) =>
    r.measurements.find((m) => m.host === 'kloset' && m.route.includes(word))
  const ratio = (r: ScenarioResult, word: string) =>
    r.ratios.find((x) => x.baseline === 'express' && x.route.includes(word))?.throughput
  const flow = (r: ScenarioResult, word: string) => r.flows.find((f) => f.name.includes(word))
  const cell = (value: number | undefined, suffix = '') =>
    value === undefined ? '-' : `${value}${suffix}`
  return [
    [
      'engine',
      'orders',
      '/me req/s',
      '/me vs Express',
      'buyer list p50',
      'seller list p50',
      'admin list p50',
      'checkout/s',
      'DB ms/checkout',
      'confirmed/s',
      'DB ms/confirmation',
    ],
    ...results.map((r) => [
      r.variant,
      String(r.preload?.orders ?? 0),
      cell(kloset(r, '/me')?.requestsPerSecond),
      cell(ratio(r, '/me'), 'x'),
      cell(kloset(r, '/api/v1/orders (buyer')?.latencyMs.p50, ' ms'),
      cell(kloset(r, '/seller/orders')?.latencyMs.p50, ' ms'),
      cell(kloset(r, '/admin/orders')?.latencyMs.p50, ' ms'),
      cell(flow(r, 'checkout')?.perSecond),
      cell(flow(r, 'checkout')?.db.dbMsPerOp),
      cell(flow(r, 'first delivery')?.settledPerSecond),
      cell(flow(r, 'first delivery')?.db.dbMsPerOp),
    ]),
  ]
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
    say(
      `Note: load average ${machine.loadAverage1m} on ${machine.cpus} CPUs before starting; expect noise.`,
    )
  }
  say('The first run on a machine builds the embedded engines (patched and upstream) from Go.')
  const results: ScenarioResult[] = []
  for (const scenario of scenarios()) results.push(await runScenario(scenario))

  say(
    `\n${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per target after ${settings.warmupSeconds} s warm-up. ` +
      'The load generator shares the CPUs.',
  )
  for (const result of results) printScenario(result)
  say(`== Summary: the engine goals (docs/benchmarks.md)\n\n${table(summaryRows(results))}\n`)

  const resultsDir = join(benchDir, 'results')
  await mkdir(resultsDir, { recursive: true })
  const file = join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`)
  const report = {
    date: started.toISOString(),
    machine,
    settings,
    flowSettings: flowSettings(),
    scenarios: results,
  }
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  say(`Results written to ${file}`)

  for (const result of results) {
    const label = `${result.variant} engine, ${result.orders} orders`
    const failedFlows = result.flows.filter((f) => f.failures > 0)
    if (failedFlows.length > 0) {
      process.stderr.write(
        `${label}: some flow requests failed, so those numbers do not measure the flow:\n${failedFlows
          .map((f) => `  ${f.name}: ${f.failures} failed, first: ${f.firstFailure}`)
          .join('\n')}\n`,
      )
      process.exitCode = 1
    }
    const failed = result.measurements.filter((m) => m.non2xx > 0 || m.errors > 0)
    if (failed.length > 0) {
      process.stderr.write(
        `${label}: some targets answered errors, so their numbers do not measure the route:\n${failed
          .map((m) => `  ${m.route} on ${m.host}: ${m.non2xx} non-2xx, ${m.errors} errors`)
          .join('\n')}\n`,
      )
      process.exitCode = 1
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
