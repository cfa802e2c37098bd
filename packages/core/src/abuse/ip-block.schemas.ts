import { z } from 'zod'

/** Blocks an address or range: why, and for how long (unset: until unblocked). */
export const blockIpBody = z
  .object({
    /** An IPv4 or IPv6 address, or a CIDR range such as `203.0.113.0/24` or `2001:db8::/32`. */
    cidr: z.string().trim().min(2).max(64),
    reason: z.string().trim().min(3).max(500),
    /** Minutes until the block lapses on its own; at most a year. */
    expiresInMinutes: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60)
      .optional(),
  })
  .strict()
export type BlockIpBody = z.infer<typeof blockIpBody>
