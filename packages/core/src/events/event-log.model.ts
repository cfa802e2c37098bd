import { type Connection, type Model, Schema, type Types } from 'mongoose'

export const EVENT_STATUSES = ['pending', 'published', 'failed'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

/**
 * One recorded domain event: the outbox and the event log in one collection. `_id` is the event
 * id (an ObjectId, so ids sort by time and the relay tails the log by `_id > cursor`).
 */
export interface EventLogDoc {
  _id: Types.ObjectId
  name: string
  payload: Record<string, unknown>
  createdAt: Date
  /** pending until every subscriber has handled it; failed after the last attempt. */
  status: EventStatus
  attempts: number
  /** The claim of the process running the subscribers; another relay waits until it passes. */
  lockedUntil: Date
  /** Subscribers that have handled the event (a retry runs only the others). */
  done: string[]
  publishedAt?: Date
  lastError?: string
}

const eventLogSchema = new Schema<EventLogDoc>(
  {
    name: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    status: { type: String, required: true, enum: EVENT_STATUSES, index: true },
    attempts: { type: Number, required: true },
    lockedUntil: { type: Date, required: true },
    done: { type: [String], default: [] },
    publishedAt: Date,
    lastError: String,
  },
  { collection: 'events', minimize: false, versionKey: false },
)

export type EventLogModel = Model<EventLogDoc>

export const createEventLogModel = (connection: Connection): EventLogModel =>
  connection.model<EventLogDoc>('EventLog', eventLogSchema)
