import {
  type Core,
  type Ctx,
  type ErrorCode,
  isAppError,
  makeCtx,
  type RealtimeCommand,
  realtimeCommand,
  realtimeCommandId,
} from '@kloset/core'
import type { RawData } from 'ws'
import type { Client } from './clients.js'
import type { FanOut } from './fan-out.js'
import type { Subscriptions } from './subscriptions.js'

type CommandId = RealtimeCommand['id'] | undefined

/** Answers to a socket's commands, with the command's `id` echoed. */
export interface Replies {
  reply(client: Client, id: CommandId, body: Record<string, unknown>): void
  replyError(
    client: Client,
    id: CommandId,
    code: ErrorCode,
    message: string,
    details?: unknown,
  ): void
}

export function repliesOf(fanOut: FanOut): Replies {
  const reply: Replies['reply'] = (client, id, body) =>
    fanOut.send(client, id === undefined ? body : { ...body, id })
  return {
    reply,
    replyError: (client, id, code, message, details) =>
      reply(client, id, { type: 'error', code, message, ...(details ? { details } : {}) }),
  }
}

/** The reply to a frame that is not a command: its `id`, when it had a valid one, is echoed. */
function invalid(parsed: unknown, issues: { path: PropertyKey[]; message: string }[]) {
  const id = realtimeCommandId.safeParse((parsed as { id?: unknown } | null)?.id)
  return {
    id: id.success ? id.data : undefined,
    message: issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '),
  }
}

/**
 * The client's commands (docs/realtime.md): JSON text frames checked against core's
 * `realtimeCommand` schema, then ping, subscribe, unsubscribe, and chat's send and read, run as
 * the socket's user.
 */
export class Commands {
  constructor(
    private core: Core,
    private replies: Replies,
    private subscriptions: Subscriptions,
  ) {}

  async handle(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const { reply, replyError } = this.replies
    if (isBinary) return replyError(client, undefined, 'invalid_message', 'Send JSON text frames')
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString())
    } catch {
      return replyError(client, undefined, 'invalid_json', 'The frame is not JSON')
    }
    const result = realtimeCommand.safeParse(parsed)
    if (!result.success) {
      const { id, message } = invalid(parsed, result.error.issues)
      return replyError(client, id, 'invalid_message', message)
    }
    const message = result.data
    switch (message.type) {
      case 'ping':
        return reply(client, message.id, { type: 'pong' })
      case 'unsubscribe':
        this.subscriptions.unsubscribe(client, message.channel)
        return reply(client, message.id, { type: 'unsubscribed', channel: message.channel })
      case 'subscribe':
        return this.subscriptions.subscribe(client, message)
      case 'chat.send': {
        const { type: _type, id, conversationId, ...body } = message
        return this.chat(client, id, (ctx) => this.core.chat.send(ctx, conversationId, body))
      }
      case 'chat.read':
        return this.chat(client, message.id, async (ctx) => ({
          conversation: await this.core.chat.markRead(ctx, message.conversationId, {
            seq: message.seq,
          }),
        }))
    }
  }

  /** Runs a chat command as the socket's user and answers `chat.ack` or an error reply. */
  private async chat(client: Client, id: CommandId, work: (ctx: Ctx) => Promise<object>) {
    const { reply, replyError } = this.replies
    try {
      const result = await work(makeCtx(client.actor, this.core.clock.now()))
      reply(client, id, { type: 'chat.ack', ...result })
    } catch (error) {
      if (isAppError(error)) return replyError(client, id, error.code, error.message, error.details)
      this.core.logger.error({ err: error }, 'websocket chat command failed')
      return replyError(client, id, 'internal', 'Could not do that; try again')
    }
  }
}
