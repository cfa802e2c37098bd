import { z } from 'zod'
import { sendMessageBody } from '../chat/chat.schemas.js'

/** The `id` a client gives a command; the reply echoes it. */
export const realtimeCommandId = z.union([z.string().min(1).max(64), z.number().int()])

const channel = z.string().min(1).max(200)

/** A client's command on the WebSocket, protocol version 1 (docs/realtime.md). */
export const realtimeCommand = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    id: realtimeCommandId,
    channel,
    /** The last publication the client saw on this channel: the reply carries what followed. */
    since: z
      .strictObject({ seq: z.number().int().min(0), epoch: z.string().min(1).max(64) })
      .optional(),
  }),
  z.strictObject({ type: z.literal('unsubscribe'), id: realtimeCommandId, channel }),
  z.strictObject({ type: z.literal('ping'), id: realtimeCommandId }),
  /** Chat (docs/chat.md): send a message; the reply is a `chat.ack` with the stored message. */
  z.strictObject({
    ...sendMessageBody.shape,
    type: z.literal('chat.send'),
    id: realtimeCommandId,
    conversationId: z.string().min(1).max(64),
  }),
  /** Chat: mark a conversation read up to `seq`; the reply is a `chat.ack` with it. */
  z.strictObject({
    type: z.literal('chat.read'),
    id: realtimeCommandId,
    conversationId: z.string().min(1).max(64),
    seq: z.number().int().min(0),
  }),
])
export type RealtimeCommand = z.infer<typeof realtimeCommand>
