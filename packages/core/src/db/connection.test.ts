import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from '@jest/globals'
import { testMongoUri } from '../test-support/harness.js'
import { connectDatabase, type Database } from './connection.js'

const open: Database[] = []

async function connect(monitorCommands?: boolean): Promise<Database> {
  const database = await connectDatabase(testMongoUri(), `conn_${randomBytes(6).toString('hex')}`, {
    embedded: true,
    ...(monitorCommands === undefined ? {} : { monitorCommands }),
  })
  open.push(database)
  return database
}

/** The names of the commands the driver reports while `work` runs. */
async function commandsDuring(database: Database, work: () => Promise<unknown>) {
  const names: string[] = []
  const client = database.connection.getClient()
  const listener = (event: { commandName: string }) => names.push(event.commandName)
  client.on('commandSucceeded', listener)
  try {
    await work()
  } finally {
    client.off('commandSucceeded', listener)
  }
  return names
}

afterEach(async () => {
  for (const database of open.splice(0)) {
    await database.connection.dropDatabase().catch(() => {})
    await database.close()
  }
})

describe('connectDatabase', () => {
  it('reports each command to command listeners when monitorCommands is on', async () => {
    const database = await connect(true)
    const names = await commandsDuring(database, () =>
      database.connection.collection('things').insertOne({ name: 'one' }),
    )
    expect(names).toEqual(['insert'])
  })

  it('reports no commands when monitorCommands is not asked for', async () => {
    const database = await connect()
    const names = await commandsDuring(database, () =>
      database.connection.collection('things').insertOne({ name: 'one' }),
    )
    expect(names).toEqual([])
  })
})
