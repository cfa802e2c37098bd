import type { Duplex } from 'node:stream'
import type { Core } from '@kloset/core'
import type { WebSocket } from 'ws'
import type { Channels } from './channels.js'
import type { Client } from './clients.js'

/**
 * A whole unmasked text frame (RFC 6455 section 5.2: FIN and opcode 1, then the payload length
 * in 7, 7+16 or 7+64 bits), header and payload in one Buffer.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerBytes + length)
  frame[0] = 0x81
  if (length < 126) frame[1] = length
  else if (length < 65_536) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  payload.copy(frame, headerBytes)
  return frame
}

/**
 * The TCP socket under a `ws` socket. The gateway turns per-message deflate off and never sends
 * Blobs, so `ws`'s sender never queues a frame: a whole frame written here is exactly what
 * `send` would write, and `bufferedAmount` still counts it.
 */
const rawSocketOf = (socket: WebSocket): Duplex | undefined =>
  (socket as unknown as { _socket?: Duplex })._socket ?? undefined

/**
 * Sending to sockets: replies and welcome frames one by one, publications once for all. A
 * publication is serialised once and framed once; each subscriber gets the same bytes in one
 * write, with no allocation per socket (`ws`'s `send` builds options and a header per call).
 */
export class FanOut {
  constructor(
    private core: Core,
    private channels: Channels<Client>,
    private maxBufferedBytes: number,
  ) {}

  /** Sends one frame (an object to serialise) to one socket. */
  send(client: Client, frame: object): void {
    if (this.writable(client)) client.socket.send(JSON.stringify(frame))
  }

  /**
   * Publishes an event on a channel: numbered, kept in the channel's history, serialised and
   * framed once, and the same bytes written to every subscriber.
   */
  publish(channel: string, event: string, data: unknown) {
    const at = this.core.clock.now().toISOString()
    const { publication, payload, subscribers } = this.channels.publish(channel, event, data, at)
    if (subscribers.size === 0) return publication
    const frame = textFrame(payload)
    for (const client of subscribers) {
      if (!this.writable(client)) continue
      const raw = rawSocketOf(client.socket)
      if (raw) raw.write(frame)
      else client.socket.send(payload, { binary: false })
    }
    return publication
  }

  /** Open and keeping up; a slow consumer is terminated (its close frame would queue). */
  private writable(client: Client): boolean {
    const { socket } = client
    if (socket.readyState !== socket.OPEN) return false
    if (socket.bufferedAmount <= this.maxBufferedBytes) return true
    this.core.logger.warn(
      { userId: client.actor.id, buffered: socket.bufferedAmount },
      'websocket slow consumer terminated',
    )
    socket.terminate()
    return false
  }
}
