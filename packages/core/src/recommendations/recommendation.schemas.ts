import { z } from 'zod'

/** `POST /api/v1/recommendations/views`: a product page the buyer opened. */
export const recordViewBody = z
  .object({ productId: z.string().regex(/^[0-9a-f]{24}$/, 'must be an id') })
  .strict()
export type RecordViewBody = z.infer<typeof recordViewBody>

/** How many items a served list holds. */
export const RECOMMENDATION_LIST_SIZE = 10
/** Candidates the job stores per list, so reads can drop what sold out since and still fill. */
export const STORED_CANDIDATES = 40
/** Purchases older than this do not train the job. */
export const TRAINING_WINDOW_DAYS = 365
/** Views older than this are not seeds, and the job deletes them. */
export const VIEW_WINDOW_DAYS = 30
/** Views kept per buyer as seeds. */
export const VIEWS_PER_BUYER = 20
