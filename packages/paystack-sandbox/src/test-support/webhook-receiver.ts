import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders
  raw: Buffer
  event: string
  data: Record<string, unknown>
}

/** A real HTTP receiver; answers from `statuses` in turn, then 200. */
export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  statuses: number[]
  events(name?: string): ReceivedWebhook[]
  close(): Promise<void>
}

/** Starts a webhook receiver on a free loopback port. */
export async function startWebhookReceiver(statuses: number[] = []): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const queue = statuses
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const parsed = JSON.parse(raw.toString('utf8')) as {
        event: string
        data: Record<string, unknown>
      }
      received.push({ headers: request.headers, raw, event: parsed.event, data: parsed.data })
      response.writeHead(queue.shift() ?? 200)
      response.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks/paystack`,
    received,
    statuses: queue,
    events: (name) => (name ? received.filter((r) => r.event === name) : [...received]),
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
