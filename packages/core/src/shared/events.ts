/**
 * Domain events. Services emit after their write succeeds; subscribers (mail, audit, realtime
 * push, cache invalidation) react. A subscriber's failure is logged, never thrown back into the
 * service that emitted.
 */
export interface DomainEvents {
  'user.signed_up': { userId: string; email: string; role: string }
  'user.verified': { userId: string }
  'user.suspended': { userId: string; reason: string }
  'user.reinstated': { userId: string }
  'user.password_reset': { userId: string }
  [name: string]: Record<string, unknown>
}

export type EventName = keyof DomainEvents & string
export type Handler<E extends EventName> = (payload: DomainEvents[E]) => void | Promise<void>

export interface EventBus {
  emit<E extends EventName>(name: E, payload: DomainEvents[E]): void
  on<E extends EventName>(name: E, handler: Handler<E>): () => void
  /** Resolves when every handler started so far has finished; tests and shutdown use it. */
  drain(): Promise<void>
}

type AnyHandler = (payload: Record<string, unknown>) => void | Promise<void>

/** An in-process bus: handlers run after the current tick, errors go to `onError`. */
export class InProcessEventBus implements EventBus {
  private handlers = new Map<string, Set<AnyHandler>>()
  private pending = new Set<Promise<void>>()

  constructor(private onError: (error: unknown, event: string) => void = () => {}) {}

  emit<E extends EventName>(name: E, payload: DomainEvents[E]): void {
    for (const handler of [...(this.handlers.get(name) ?? []), ...(this.handlers.get('*') ?? [])]) {
      const run = Promise.resolve()
        .then(() => handler({ ...payload, event: name }))
        .catch((error) => this.onError(error, name))
        .finally(() => this.pending.delete(run))
      this.pending.add(run)
    }
  }

  on<E extends EventName>(name: E, handler: Handler<E>): () => void {
    const set = this.handlers.get(name) ?? new Set()
    set.add(handler as AnyHandler)
    this.handlers.set(name, set)
    return () => set.delete(handler as AnyHandler)
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
