import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import mongoose, { type Connection, Schema, type Types } from 'mongoose'
import { testMongoUri } from '../test-support/harness.js'
import { connectDatabase, type Database } from './connection.js'
import { op } from './query.js'

/**
 * The smoke test of docs reference ferretdb.md section 5, kept as tests so that the engine's
 * known gaps are checked facts rather than folklore. Each test asserts what the embedded engine
 * (FerretDB v1.24.2 on SQLite) actually does; docs/ferretdb-facts.md records the results and
 * which design rule each one backs. On MongoDB several of these tests would fail: that is the
 * point, they describe the engine, not our code.
 */

interface Sub {
  _id: Types.ObjectId
  name: string
}

const dbName = `smoke_${randomBytes(6).toString('hex')}`
let database: Database
let conn: Connection

beforeAll(async () => {
  database = await connectDatabase(testMongoUri(), dbName, { singleConnection: true })
  conn = database.connection
})

afterAll(async () => {
  await conn.dropDatabase().catch(() => {})
  await database.close()
})

const subSchema = new Schema<Sub>({ name: { type: String, required: true } })

describe('FerretDB v1.24.2 smoke facts (ferretdb.md section 5)', () => {
  it('reports ferretdbVersion v1.24.2 in buildInfo', async () => {
    const info = await conn.db!.admin().command({ buildInfo: 1 })
    console.log('buildInfo', JSON.stringify(info))
    expect(info.ferretdbVersion).toBe('v1.24.2')
  })

  it('computes only the first of two accumulators in one $group', async () => {
    const Row = conn.model('GroupRow', new Schema({ x: { type: Number, required: true } }))
    await Row.insertMany([{ x: 2 }, { x: 3 }, { x: 5 }])
    const [result] = await Row.aggregate<{ s: number; n: number }>([
      { $group: { _id: null, s: { $sum: '$x' }, n: { $sum: 1 } } },
    ])
    expect(result).toMatchObject({ s: 10, n: 0 })
  })

  it('keeps a subdocument in the database after doc.subs.pull(id) and save()', async () => {
    const Parent = conn.model('PullParent', new Schema({ subs: [subSchema] }))
    const created = await Parent.create({ subs: [{ name: 'a' }, { name: 'b' }] })
    const doc = (await Parent.findById(created._id).orFail())!
    const removed = doc.subs[0]!._id
    doc.subs.pull(removed)
    await doc.save()
    expect(doc.subs).toHaveLength(1)
    const stored = await Parent.findById(created._id).lean().orFail()
    expect(stored.subs.map((s) => s.name)).toEqual(['a', 'b'])
  })

  it('ignores $slice in $push and leaves the full array', async () => {
    const List = conn.model('PushList', new Schema({ a: [Number] }))
    const { _id } = await List.create({ a: [7, 8] })
    await List.updateOne({ _id }, { $push: { a: { $each: [9], $slice: -1 } } })
    const stored = await List.findById(_id).lean().orFail()
    expect(stored.a).toEqual([7, 8, 9])
  })

  it('fails an updateOne that collides with a unique index with code 1, not 11000', async () => {
    const Account = conn.model(
      'UniqueAccount',
      new Schema({ email: { type: String, required: true, unique: true } }),
    )
    await Account.init()
    await Account.create([{ email: 'a@example.test' }, { email: 'b@example.test' }])
    await expect(
      Account.updateOne({ email: 'b@example.test' }, { $set: { email: 'a@example.test' } }),
    ).rejects.toMatchObject({ code: 1 })
  })

  it('lets two documents without the field into a unique index', async () => {
    const Profile = conn.model(
      'UniqueProfile',
      new Schema({ label: String, nick: { type: String, unique: true } }),
    )
    await Profile.init()
    await Profile.create({ label: 'first' })
    await Profile.create({ label: 'second' })
    expect(await Profile.countDocuments()).toBe(2)
  })

  it('fails findOneAndUpdate on a model with a select:false path with code 238', async () => {
    const Secret = conn.model(
      'SecretHolder',
      new Schema({
        name: { type: String, required: true },
        hash: { type: String, select: false },
      }),
    )
    await Secret.create({ name: 'n', hash: 'h' })
    await expect(
      Secret.findOneAndUpdate({ name: 'n' }, { $set: { name: 'm' } }, { new: true }),
    ).rejects.toMatchObject({ code: 238 })
  })

  it('matches nothing with $elemMatch on one field of an array of subdocuments', async () => {
    const Basket = conn.model('ElemBasket', new Schema({ subs: [subSchema] }))
    await Basket.create({ subs: [{ name: 'a' }, { name: 'b' }] })
    expect(await Basket.countDocuments({ 'subs.name': 'a' })).toBe(1)
    expect(await Basket.countDocuments({ subs: op({ $elemMatch: { name: 'a' } }) })).toBe(0)
  })

  it('loses concurrent $inc on one document over a pool of connections', async () => {
    const pooled = mongoose.createConnection(testMongoUri(), { dbName, maxPoolSize: Number(process.env.POOL ?? 10) })
    await pooled.asPromise()
    try {
      const Counter = pooled.model('PooledCounter', new Schema({ n: Number }))
      const { _id } = await Counter.create({ n: 0 })
      const results = await Promise.all(
        Array.from({ length: 200 }, () => Counter.updateOne({ _id }, { $inc: { n: 1 } })),
      )
      const stored = await Counter.findById(_id).lean().orFail()
      console.log('pooled $inc result', stored.n, results.reduce((a, r) => a + r.modifiedCount, 0))
      expect(stored.n).toBeLessThanOrEqual(200)
    } finally {
      await pooled.close()
    }
  })

  it('keeps every concurrent $inc over a single connection (our mitigation)', async () => {
    const Counter = conn.model('SingleCounter', new Schema({ n: Number }))
    const { _id } = await Counter.create({ n: 0 })
    await Promise.all(
      Array.from({ length: 200 }, () => Counter.updateOne({ _id }, { $inc: { n: 1 } })),
    )
    const stored = await Counter.findById(_id).lean().orFail()
    expect(stored.n).toBe(200)
  })

  it('fails connection.transaction', async () => {
    const Entry = conn.model('TxnEntry', new Schema({ label: String }))
    await Entry.createCollection()
    const error = await conn
      .transaction(async (session) => {
        await Entry.create([{ label: 'in-txn' }], { session })
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    console.log('txn error', error)
    console.log('txn rows', await Entry.find().lean())
  })
})
