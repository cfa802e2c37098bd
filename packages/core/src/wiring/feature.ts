import type { DurableEventBus } from '../events/event-bus.js'

/**
 * What a feature's factory (`<feature>/<feature>.wiring.ts`) returns: its services, and how it
 * registers its event subscribers, listeners and outbox sources. Its jobs are rows of the one
 * jobs table (`jobs/jobs.table.ts`).
 */
export interface Wired<S> {
  services: S
  /** Registers the feature's subscribers (run once per event), listeners and outbox sources. */
  subscribe?(events: DurableEventBus): void
}
