import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

const name = z.string().trim().min(1).max(100)

/** Filters of the audit log: who acted, what they did, on what, since when. */
export const listAuditQuery = pageQuery.extend({
  /** An actor id (a user id, a CLI operator id) or a label exactly as the list shows it. */
  actor: name.optional(),
  /** An exact action, e.g. `user.suspended`. */
  action: name.optional(),
  targetType: name.optional(),
  targetId: name.optional(),
  /** ISO date or date-time: entries at or after it. */
  since: z.coerce.date().optional(),
})
export type ListAuditQuery = z.infer<typeof listAuditQuery>
/** What a caller may pass: `limit` may be left out (20). */
export type ListAuditQueryInput = z.input<typeof listAuditQuery>
