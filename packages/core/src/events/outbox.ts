import { type Model, Schema, type SchemaDefinitionProperty } from 'mongoose'
import type { OutboxEntry, OutboxSource } from '../shared/events.js'

/**
 * The `outbox` field of an aggregate: events written in the same single-document update as the
 * state change they announce, until the bus copies them to the event log. Mixed, so that the
 * stored entries are exactly what was pushed and `$pullAll` can remove them by value.
 */
export const outboxField: SchemaDefinitionProperty<OutboxEntry[]> = {
  type: [Schema.Types.Mixed],
  default: [],
} as SchemaDefinitionProperty<OutboxEntry[]>

/** What a document with an outbox carries. */
export interface WithOutbox {
  outbox: OutboxEntry[]
}

/** The collection behind a model, as the bus and the relay's sweep use it. */
// biome-ignore lint/suspicious/noExplicitAny: any model whose schema has an outbox field
export function outboxSourceOf(model: Model<any>): OutboxSource {
  return { name: model.collection.collectionName, collection: model.collection }
}
