/**
 * Database time as the MongoDB driver sees it, summed over a window: command round trips (from
 * command monitoring, which needs the connection opened with `monitorCommands`) and the waits
 * for a pooled connection (CMAP events; in embedded mode the pool is one connection, so
 * concurrent requests queue there).
 */
import { performance } from 'node:perf_hooks'
import type { MongoClient } from 'mongodb'
import type { DbWindow } from './flow-protocol.js'

export class DbTimer {
  /** Start times of the commands in flight, by the driver's request id. */
  private readonly inFlight = new Map<number, { name: string; at: number }>()
  /** Start times of check-outs waiting for a connection; the pool serves them in order. */
  private readonly waiting: number[] = []
  private window: (DbWindow & { openedAt: number }) | null = null

  constructor(client: MongoClient) {
    // Starts are tracked outside windows too, so a command begun just before a window opens
    // still pairs with its own end. Times come from performance.now(): the events' own
    // durations are whole milliseconds, and most of our commands take less than one.
    client.on('commandStarted', (event) =>
      this.inFlight.set(event.requestId, { name: event.commandName, at: performance.now() }),
    )
    const finished = (event: { requestId: number }) => {
      const started = this.inFlight.get(event.requestId)
      if (started === undefined) return
      this.inFlight.delete(event.requestId)
      if (!this.window) return
      const ms = performance.now() - started.at
      this.window.commands++
      this.window.commandMs += ms
      const named = this.window.byCommand[started.name] ?? { count: 0, ms: 0 }
      named.count++
      named.ms += ms
      this.window.byCommand[started.name] = named
    }
    client.on('commandSucceeded', finished)
    client.on('commandFailed', finished)
    client.on('connectionCheckOutStarted', () => this.waiting.push(performance.now()))
    const checkedOut = () => {
      const started = this.waiting.shift()
      if (started === undefined || !this.window) return
      this.window.checkouts++
      this.window.waitMs += performance.now() - started
    }
    client.on('connectionCheckedOut', checkedOut)
    client.on('connectionCheckOutFailed', checkedOut)
  }

  /** Opens a window (a window already open starts again). */
  start(): void {
    this.window = {
      commands: 0,
      commandMs: 0,
      checkouts: 0,
      waitMs: 0,
      wallMs: 0,
      byCommand: {},
      openedAt: performance.now(),
    }
  }

  /** Closes the window and returns its sums. @throws Error when none is open. */
  stop(): DbWindow {
    const window = this.window
    if (!window) throw new Error('No database-time window is open')
    this.window = null
    const { openedAt, ...sums } = window
    return { ...sums, wallMs: performance.now() - openedAt }
  }
}
