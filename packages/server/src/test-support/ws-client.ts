import { WebSocket } from 'ws'

/** A frame as the gateway sends it: JSON, read back as a plain object. */
export type Frame = Record<string, unknown>

/**
 * Opens a test socket and collects its frames; `next()` waits (at most 3 s) for the next one.
 * Shared by the WebSocket tests.
 */
export function connect(
  url: string,
  protocols?: string[],
  options: { origin?: string; headers?: Record<string, string> } = {},
) {
  const socket = new WebSocket(url, protocols, options)
  const frames: Frame[] = []
  const waiters: ((f: Frame) => void)[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame
    const waiter = waiters.shift()
    if (waiter) waiter(frame)
    else frames.push(frame)
  })
  const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)))
  return {
    socket,
    closed,
    opened: new Promise<void>((done, fail) => {
      socket.once('open', () => done())
      socket.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)))
      socket.once('error', fail)
    }),
    next: () =>
      new Promise<Frame>((done, fail) => {
        const queued = frames.shift()
        if (queued) return done(queued)
        const timer = setTimeout(() => fail(new Error('no frame within 3 s')), 3_000)
        waiters.push((f) => {
          clearTimeout(timer)
          done(f)
        })
      }),
    send: (message: Frame) => socket.send(JSON.stringify(message)),
  }
}
export type Client = ReturnType<typeof connect>
