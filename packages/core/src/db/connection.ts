import { type EngineHandle, ensureEngine } from '@kloset/embedded-db'
import mongoose, { type Connection } from 'mongoose'
import type { Config } from '../shared/config.js'
import { DATABASE_WAIT_MS } from './unavailable.js'

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

/** A first connection may take longer than a command's wait: DNS, TLS, a cold MongoDB Atlas. */
const INITIAL_CONNECT_MS = 15_000

/** Opens a connection, trying again (each try waits DATABASE_WAIT_MS) until `withinMs` passes. */
async function openWithin(open: () => Connection, withinMs: number): Promise<Connection> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const connection = open()
    try {
      await connection.asPromise()
      return connection
    } catch (error) {
      await connection.close().catch(() => {})
      if (Date.now() >= deadline) throw error
    }
  }
}

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
  const open = () =>
    mongoose.createConnection(uri, {
      dbName,
      ...(options.embedded ? { maxPoolSize: pool, minPoolSize: 1 } : {}),
      // Off by default: the driver then builds no event per command (the bench turns it on).
      ...(options.monitorCommands ? { monitorCommands: true } : {}),
      // A command with no reachable server fails after DATABASE_WAIT_MS (a 503 at the edge)
      // instead of queueing in mongoose's buffer for 10 s: the models are made after the
      // connection opens, so nothing needs the buffer.
      serverSelectionTimeoutMS: DATABASE_WAIT_MS,
      bufferCommands: false,
      autoIndex: true,
    })
  let connection: Connection
  try {
    connection = await openWithin(open, INITIAL_CONNECT_MS)
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
