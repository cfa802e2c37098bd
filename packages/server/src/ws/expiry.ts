/**
 * One timer for every socket's credential expiry, set for the soonest: when it fires, the
 * expired sockets are closed and the timer is set for the next (a timer and a closure per socket
 * cost memory and a timer-list insert each).
 */
export function expirySweep<C extends { expiresAt: number }>(
  clients: Map<unknown, C>,
  expire: (client: C) => void,
) {
  let timer: NodeJS.Timeout | undefined
  let due = Number.POSITIVE_INFINITY
  const add = (at: number) => {
    if (at >= due) return
    clearTimeout(timer)
    due = at
    // setTimeout cannot wait longer than about 24.8 days: it then sweeps early and sets again.
    timer = setTimeout(sweep, Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1))
    timer.unref()
  }
  const sweep = () => {
    timer = undefined
    due = Number.POSITIVE_INFINITY
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    for (const client of clients.values()) {
      if (client.expiresAt <= now) expire(client)
      else next = Math.min(next, client.expiresAt)
    }
    if (next !== Number.POSITIVE_INFINITY) add(next)
  }
  return {
    add,
    stop() {
      clearTimeout(timer)
      due = Number.NEGATIVE_INFINITY
    },
  }
}
