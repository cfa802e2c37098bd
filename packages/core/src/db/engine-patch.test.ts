import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import mongoose from 'mongoose'
import { testMongoUri } from '../test-support/harness.js'

/*
 * What our patch to FerretDB v1.24.2 (packages/embedded-db/patches) promises, checked on the
 * engine every test runs on: `_id` and indexed equality reach SQLite's indexes (per explain),
 * a sort on `_id` streams from the index, what is pushed down never changes a result, and each
 * update is atomic across connections and processes. docs/ferretdb-facts.md lists the numbers.
 */

const run = promisify(execFile)
// The driver mongoose ships, so the test needs no dependency of its own.
const { MongoClient, ObjectId } = mongoose.mongo
type Collection = mongoose.mongo.Collection
type Db = mongoose.mongo.Db
type ObjectId = mongoose.mongo.ObjectId
const raceScript = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test-support',
  'engine-race.mjs',
)

const dbName = `patch_${randomBytes(6).toString('hex')}`
let client: mongoose.mongo.MongoClient
let db: Db

beforeAll(async () => {
  client = await new MongoClient(testMongoUri(), { maxPoolSize: 4 }).connect()
  db = client.db(dbName)
})

afterAll(async () => {
  await db.dropDatabase().catch(() => {})
  await client.close()
})

/** SQLite's query plan for a find, as the engine's explain reports it. */
async function planOf(coll: Collection, filter: object, sort?: object): Promise<string> {
  const cursor = coll.find(filter)
  if (sort) cursor.sort(sort as never)
  const explained = (await cursor.explain()) as { queryPlanner: { Plan: string[] } }
  return explained.queryPlanner.Plan.join('\n')
}

/** Runs the same race from two processes at once; returns the summed modified counts. */
async function raceFromTwoProcesses(
  collection: string,
  id: ObjectId,
  mode: 'cas' | 'inc',
  perProcess: number,
): Promise<number> {
  const args = JSON.stringify({
    uri: testMongoUri(),
    dbName,
    collection,
    id: id.toHexString(),
    mode,
    count: perProcess,
    startAt: Date.now() + 1_500,
  })
  const sides = await Promise.all(
    [0, 1].map(() => run(process.execPath, [raceScript, args], { timeout: 60_000 })),
  )
  return sides.reduce(
    (sum, side) => sum + (JSON.parse(side.stdout) as { modified: number }).modified,
    0,
  )
}

describe('the patched embedded engine', () => {
  let orders: Collection
  const store = new ObjectId()
  const ids: ObjectId[] = []

  beforeAll(async () => {
    orders = db.collection('orders')
    await orders.createIndex({ reference: 1 }, { unique: true })
    await orders.createIndex({ storeId: 1, _id: -1 })
    await orders.createIndex({ tags: 1 })
    const docs = Array.from({ length: 60 }, (_, i) => {
      const _id = new ObjectId()
      ids.push(_id)
      return {
        _id,
        reference: `ref_${i}`,
        storeId: i % 2 === 0 ? store : new ObjectId(),
        status: i % 3 === 0 ? 'paid' : 'pending',
        // One document holds an array where the others hold a string.
        tags: i === 7 ? ['sale', 'new'] : 'sale',
        total: i,
      }
    })
    await orders.insertMany(docs)
  })

  it('finds by _id through the unique _id index', async () => {
    expect(await planOf(orders, { _id: ids[3] })).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /)
  })

  it('uses the _id index for a compare-and-set filter that has other keys too', async () => {
    expect(await planOf(orders, { _id: ids[3], status: 'paid' })).toMatch(/USING INDEX \S+__id_ /)
  })

  it('finds by an indexed string field through its index', async () => {
    expect(await planOf(orders, { reference: 'ref_9' })).toMatch(/USING INDEX \S+_reference_1 /)
  })

  it('streams a filtered sort on _id from a compound index, without a temporary sort', async () => {
    const plan = await planOf(orders, { storeId: store }, { _id: -1 })
    expect(plan).toMatch(/USING INDEX \S+_storeId_1__id_-1 /)
    expect(plan).not.toMatch(/TEMP B-TREE/)
  })

  it('leaves a field that holds an array in any document to the engine, and still finds it', async () => {
    expect(await planOf(orders, { tags: 'sale' })).toMatch(/SCAN/)
    expect(await orders.countDocuments({ tags: 'sale' })).toBe(60)
    expect(await orders.countDocuments({ tags: 'new' })).toBe(1)
  })

  it('returns the same page as sorting everything in memory', async () => {
    const page = await orders
      .find({ storeId: store, _id: { $lt: ids[50]! } })
      .sort({ _id: -1 })
      .limit(5)
      .toArray()
    const expected = ids
      .filter((id, i) => i % 2 === 0 && id.toHexString() < ids[50]!.toHexString())
      .sort((a, b) => b.toHexString().localeCompare(a.toHexString()))
      .slice(0, 5)
    expect(page.map((d) => d._id.toHexString())).toEqual(expected.map((id) => id.toHexString()))
  })

  it('sorts in memory when a collection has an _id that is not an ObjectID', async () => {
    const mixed = db.collection('mixed_ids')
    await mixed.insertMany([
      { _id: new ObjectId(), n: 1 },
      { _id: 'a-string-id' as never, n: 2 },
      { _id: 5 as never, n: 3 },
    ])
    const sorted = await mixed.find({}).sort({ _id: 1 }).toArray()
    // BSON order: numbers, then strings, then ObjectIDs.
    expect(sorted.map((d) => d.n)).toEqual([3, 2, 1])
  })

  it('matches $in on _id and on an indexed field exactly', async () => {
    expect(await orders.countDocuments({ _id: { $in: [ids[1]!, ids[2]!, new ObjectId()] } })).toBe(
      2,
    )
    expect(await orders.countDocuments({ reference: { $in: ['ref_1', 'ref_2', 'nope'] } })).toBe(2)
  })

  it('lets exactly one of 50 concurrent compare-and-sets from two processes win', async () => {
    const race = db.collection('cas_race')
    const { insertedId } = await race.insertOne({ status: 'pending' })
    const won = await raceFromTwoProcesses('cas_race', insertedId, 'cas', 25)
    expect(won).toBe(1)
    expect(await race.findOne({ _id: insertedId })).toMatchObject({ status: 'paid' })
  })

  it('keeps all of 200 concurrent $inc from two processes', async () => {
    const race = db.collection('inc_race')
    const { insertedId } = await race.insertOne({ n: 0 })
    const modified = await raceFromTwoProcesses('inc_race', insertedId, 'inc', 100)
    expect(modified).toBe(200)
    expect(await race.findOne({ _id: insertedId })).toMatchObject({ n: 200 })
  })
})
