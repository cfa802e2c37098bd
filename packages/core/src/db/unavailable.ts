import { UnavailableError } from '../shared/errors.js'

/** How long a command waits for a reachable database before it fails (docs/operations.md). */
export const DATABASE_WAIT_MS = 2_000

// The driver's and mongoose's names for "no server to talk to": a stopped or restarting engine,
// a network split, a closed pool. Matched by name so the check needs no driver import.
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
])

/**
 * The database error as a 503 `database_unavailable` (the caller may retry), or undefined when
 * the error is something else. Used at each edge, after the AppError check.
 */
export function databaseUnavailable(error: unknown): UnavailableError | undefined {
  const name = (error as { name?: unknown } | null)?.name
  if (typeof name !== 'string' || !UNREACHABLE.has(name)) return undefined
  return new UnavailableError(
    'The database is not answering; try again in a few seconds',
    'database_unavailable',
    { retryAfterSeconds: 2 },
  )
}
