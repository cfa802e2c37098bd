import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

/** Filters of the mail outbox view: by status (default `failed`, the ones that need a person). */
export const listOutboxQuery = pageQuery.extend({
  status: z.enum(['failed', 'pending', 'sending']).default('failed'),
})
export type ListOutboxQuery = z.infer<typeof listOutboxQuery>
