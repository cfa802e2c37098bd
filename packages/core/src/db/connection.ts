import { type EngineHandle, ensureEngine } from '@kloset/embedded-db'
import mongoose, { type Connection } from 'mongoose'
import type { Config } from '../shared/config.js'

// Query filters never carry operators from user input (`{"$ne": null}` becomes a literal), and
// filters on unknown paths are errors rather than silently ignored.
mongoose.set('sanitizeFilter', true)
mongoose.set('strictQuery', 'throw')

/** An open database and what it runs on. */
export interface Database {
  connection: Connection
  /** 'embedded' for FerretDB on SQLite, 'mongodb' for a MongoDB server. */
  engine: 'embedded' | 'mongodb'
  close(): Promise<void>
}

/**
 * Connections per process to the embedded engine. Upstream FerretDB v1 read and wrote an update
 * in two unlocked steps, so we used exactly one; our patch makes each write command atomic across
 * connections (docs/ferretdb-facts.md), and a small pool lets reads overlap (docs/benchmarks.md).
 */
export const EMBEDDED_POOL_SIZE = 4

/**
 * Connects to a MongoDB-compatible server: with `embedded`, our FerretDB engine, over a pool of
 * `poolSize` (default EMBEDDED_POOL_SIZE) connections; otherwise MongoDB with the driver's pool.
 */
export async function connectDatabase(
  uri: string,
  dbName: string,
  options: {
    embedded: boolean
    poolSize?: number
    monitorCommands?: boolean
    onClose?: () => Promise<void>
  },
): Promise<Database> {
  const pool = options.poolSize ?? EMBEDDED_POOL_SIZE
  const connection = mongoose.createConnection(uri, {
    dbName,
    ...(options.embedded ? { maxPoolSize: pool, minPoolSize: 1 } : {}),
    // Off by default: the driver then builds no event per command (the bench turns it on).
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
    serverSelectionTimeoutMS: 10_000,
    autoIndex: true,
  })
  try {
    await connection.asPromise()
  } catch (error) {
    await options.onClose?.()
    throw error
  }
  return {
    connection,
    engine: options.embedded ? 'embedded' : 'mongodb',
    async close() {
      await connection.close()
      await options.onClose?.()
    },
  }
}

/**
 * Opens the database: `MONGODB_URI` when set, otherwise the embedded engine of the data
 * directory (started, or reused when another process already runs it). `monitorCommands`
 * makes the driver emit command events (`connection.getClient().on('commandSucceeded')`).
 */
export async function openDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'databaseName'>,
  options: { monitorCommands?: boolean } = {},
): Promise<Database> {
  if (config.mongodbUri) {
    return connectDatabase(config.mongodbUri, config.databaseName, {
      embedded: false,
      ...options,
    })
  }
  const engine: EngineHandle = await ensureEngine(config.dataDir)
  return connectDatabase(engine.uri, config.databaseName, {
    ...options,
    embedded: true,
    onClose: () => engine.stop(),
  })
}
