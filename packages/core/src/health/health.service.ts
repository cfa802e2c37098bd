import type { Connection } from 'mongoose'
import type { KeyValueStore } from '../adapters/kv.js'

export interface Readiness {
  ready: boolean
  checks: Record<string, { ok: boolean; ms: number; error?: string }>
}

async function timed(
  check: () => Promise<unknown>,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now()
  try {
    await Promise.race([
      check(),
      new Promise((_, fail) =>
        setTimeout(() => fail(new Error('timed out after 2000 ms')), 2_000).unref(),
      ),
    ])
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: (error as Error).message,
    }
  }
}

/** Liveness and readiness: the database always, Redis when it is configured. */
export class HealthService {
  private draining = false

  constructor(private deps: { connection: Connection; kv: KeyValueStore; engine: string }) {}

  /** From now on this process reports not ready: it is shutting down (SIGTERM). */
  startDraining(): void {
    this.draining = true
  }

  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = {
      database: await timed(() => this.deps.connection.db!.admin().ping()),
    }
    if (this.draining) checks.shutdown = { ok: false, ms: 0, error: 'shutting down' }
    if (this.deps.kv.kind === 'redis') checks.redis = await timed(() => this.deps.kv.ping())
    return { ready: Object.values(checks).every((c) => c.ok), checks }
  }
}
