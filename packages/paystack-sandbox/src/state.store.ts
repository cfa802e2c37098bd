import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Currency, SandboxState } from './paystack.types.js'

/** A state with nothing in it but the starting balances. */
export function emptyState(balances: Partial<Record<Currency, number>> = {}): SandboxState {
  return {
    version: 1,
    nextId: 1_000_001,
    otpEnabled: false,
    webhookUrl: null,
    balances: { NGN: 0, GHS: 0, ZAR: 0, KES: 0, USD: 0, ...balances },
    customers: [],
    transactions: [],
    authorizations: [],
    refunds: [],
    disputes: [],
    recipients: [],
    transfers: [],
    plans: [],
    subscriptions: [],
    invoices: [],
    deliveries: [],
  }
}

/** Keeps the log bounded so a long-running dev sandbox does not grow without limit. */
const MAX_DELIVERIES = 2_000

/**
 * Holds the state and, when given a file, mirrors it there. Writes are coalesced to one per tick
 * and go through a temp file + rename, so a crash never leaves half a JSON document behind.
 */
export class StateStore {
  state: SandboxState
  private writeScheduled = false

  constructor(
    private readonly persistFile: string | null,
    private readonly initialBalances: Partial<Record<Currency, number>>,
  ) {
    this.state = this.load() ?? emptyState(initialBalances)
  }

  /** The next numeric id; Paystack ids are plain integers shared across nothing we rely on. */
  nextId(): number {
    const id = this.state.nextId
    this.state.nextId += 1
    return id
  }

  /** Marks the state changed; the file is rewritten on the next tick. */
  changed(): void {
    if (this.state.deliveries.length > MAX_DELIVERIES) {
      this.state.deliveries.splice(0, this.state.deliveries.length - MAX_DELIVERIES)
    }
    if (!this.persistFile || this.writeScheduled) return
    this.writeScheduled = true
    setImmediate(() => this.writeNow())
  }

  /** Writes the file now (used on stop, so nothing is lost to a pending tick). */
  writeNow(): void {
    this.writeScheduled = false
    if (!this.persistFile) return
    mkdirSync(dirname(this.persistFile), { recursive: true })
    const temp = `${this.persistFile}.${randomBytes(4).toString('hex')}.tmp`
    writeFileSync(temp, JSON.stringify(this.state, null, 2))
    renameSync(temp, this.persistFile)
  }

  /** Forgets everything, keeping the webhook URL (resetting between tests should not unwire it). */
  reset(): void {
    const webhookUrl = this.state.webhookUrl
    this.state = emptyState(this.initialBalances)
    this.state.webhookUrl = webhookUrl
    this.changed()
  }

  private load(): SandboxState | null {
    if (!this.persistFile || !existsSync(this.persistFile)) return null
    const parsed = JSON.parse(readFileSync(this.persistFile, 'utf8')) as SandboxState
    if (parsed.version !== 1) {
      throw new Error(
        `${this.persistFile}: unknown sandbox state version ${String(parsed.version)}`,
      )
    }
    // Files written by an older sandbox may lack newer collections.
    return { ...emptyState(), ...parsed }
  }
}
