import type { Env } from '../config.js'
import { optional, url } from './fields.js'

/** The database and Redis; unset, the embedded engine and in-process stand-ins. */
export const databaseEnv = {
  MONGODB_URI: optional(url(['mongodb:', 'mongodb+srv:'])),
  REDIS_URL: optional(url(['redis:', 'rediss:'])),
}

function databaseNameOf(uri: string | undefined): string {
  if (!uri) return 'kloset'
  const path = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '')
  return path || 'kloset'
}

/** MONGODB_URI (and the database name in its path, default `kloset`), REDIS_URL. */
export function databaseOf(env: Env): {
  mongodbUri?: string
  databaseName: string
  redisUrl?: string
} {
  return {
    ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
    databaseName: databaseNameOf(env.MONGODB_URI),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  }
}
