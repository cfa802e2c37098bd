import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ensureEngineBinary } from '@kloset/embedded-db'
import mongoose, { type Connection, Schema, type Types } from 'mongoose'
import { testMongoUri } from '../test-support/harness.js'
import { connectDatabase, type Database } from './connection.js'
import { op } from './query.js'

/*
 * The smoke test of shared/reference/ferretdb.md section 5, kept as tests so that the gaps of the
 * embedded engine (FerretDB v1.24.2 on SQLite) are checked facts. Each test asserts what the
 * engine actually does, so several would fail on MongoDB: they describe the engine, not our code.
 * docs/ferretdb-facts.md lists the results and the design rule of ferretdb.md section 6 that
 * each one backs.
 */

interface Sub {
  _id: Types.ObjectId
  name: string
}

const subSchema = new Schema<Sub>({ name: { type: String, required: true } })

const dbName = `smoke_${randomBytes(6).toString('hex')}`
let database: Database
let conn: Connection

beforeAll(async () => {
  database = await connectDatabase(testMongoUri(), dbName, { embedded: true })
  conn = database.connection
})

afterAll(async () => {
  await conn.dropDatabase().catch(() => {})
  await database.close()
})

const CONCURRENT_INCS = 200

describe('the embedded FerretDB v1.24.2 engine (ferretdb.md section 5)', () => {
  it('is built from the FerretDB v1.24.2 module with our patch, though buildInfo reports its version as unknown', async () => {
    // Embedded as a Go library, the engine has no version.txt, so buildInfo cannot name itself;
    // the Go module information linked into the binary can, and it shows the patched copy.
    const info = await conn.db!.admin().command({ buildInfo: 1 })
    expect(info).toMatchObject({ ferretdbVersion: 'unknown', version: '7.0.42' })
    const binary = await readFile(await ensureEngineBinary())
    expect(binary.includes('\tgithub.com/FerretDB/FerretDB\tv1.24.2\n=>\t../ferretdb\t')).toBe(true)
  })

  it('computes only the first of two accumulators in one $group', async () => {
    const Row = conn.model('GroupRow', new Schema({ x: { type: Number, required: true } }))
    await Row.insertMany([{ x: 2 }, { x: 3 }, { x: 5 }])
    const result = await Row.aggregate<{ s: number; n: number }>([
      { $group: { _id: null, s: { $sum: '$x' }, n: { $sum: 1 } } },
    ])
    expect(result).toEqual([{ _id: null, s: 10, n: 0 }])
  })

  it('keeps a subdocument in the database after doc.subs.pull(id) and save()', async () => {
    const Parent = conn.model('PullParent', new Schema({ subs: [subSchema] }))
    const { _id } = await Parent.create({ subs: [{ name: 'a' }, { name: 'b' }] })
    const doc = await Parent.findById(_id).orFail()
    doc.subs.pull(doc.subs[0]!._id)
    await doc.save()
    expect(doc.subs.map((s) => s.name)).toEqual(['b'])
    const stored = await Parent.findById(_id).lean().orFail()
    expect(stored.subs.map((s) => s.name)).toEqual(['a', 'b'])
  })

  it('ignores $slice in $push and leaves the full array', async () => {
    const List = conn.model('PushList', new Schema({ a: [Number] }))
    const { _id } = await List.create({ a: [7, 8] })
    const result = await List.updateOne({ _id }, { $push: { a: { $each: [9], $slice: -1 } } })
    expect(result.modifiedCount).toBe(1)
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
    ).rejects.toMatchObject({ code: 1, codeName: 'InternalError' })
    // An insert that collides does get the portable code.
    await expect(Account.create({ email: 'a@example.test' })).rejects.toMatchObject({
      code: 11000,
    })
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
      Secret.findOneAndUpdate({ name: 'n' }, { $set: { name: 'm' } }, { returnDocument: 'after' }),
    ).rejects.toMatchObject({ code: 238, codeName: 'NotImplemented' })
  })

  it('matches nothing with $elemMatch on one field of an array of subdocuments', async () => {
    const Basket = conn.model('ElemBasket', new Schema({ subs: [subSchema] }))
    await Basket.create({ subs: [{ name: 'a' }, { name: 'b' }] })
    expect(await Basket.countDocuments({ subs: op({ $elemMatch: { name: 'a' } }) })).toBe(0)
    // The portable dot path finds it.
    expect(await Basket.countDocuments({ 'subs.name': 'a' })).toBe(1)
  })

  it('keeps every concurrent $inc on one document over a pool (the patch locks each update)', async () => {
    // Upstream v1.24.2 acknowledged all 200 and kept 5 to 43 (docs/ferretdb-facts.md, item 9).
    const pooled = mongoose.createConnection(testMongoUri(), { dbName, maxPoolSize: 10 })
    try {
      await pooled.asPromise()
      const Counter = pooled.model('PooledCounter', new Schema({ n: Number }))
      const { _id } = await Counter.create({ n: 0 })
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_INCS }, () =>
          Counter.updateOne({ _id }, { $inc: { n: 1 } }),
        ),
      )
      expect(results.every((r) => r.acknowledged && r.modifiedCount === 1)).toBe(true)
      const stored = await Counter.findById(_id).lean().orFail()
      expect(stored.n).toBe(CONCURRENT_INCS)
    } finally {
      await pooled.close()
    }
  })

  it('keeps every concurrent $inc on one document over the pool our code uses', async () => {
    // connectDatabase({ embedded: true }): EMBEDDED_POOL_SIZE connections to the patched engine.
    const Counter = conn.model('SingleCounter', new Schema({ n: Number }))
    const { _id } = await Counter.create({ n: 0 })
    await Promise.all(
      Array.from({ length: CONCURRENT_INCS }, () => Counter.updateOne({ _id }, { $inc: { n: 1 } })),
    )
    const stored = await Counter.findById(_id).lean().orFail()
    expect(stored.n).toBe(CONCURRENT_INCS)
  })

  it('fails a transaction that starts with an insert with code 9 and writes nothing', async () => {
    const Entry = conn.model('TxnEntry', new Schema({ label: String }))
    await Entry.createCollection()
    await expect(
      conn.transaction(async (session) => {
        await Entry.create([{ label: 'in-txn' }], { session })
      }),
    ).rejects.toMatchObject({ code: 9, codeName: 'FailedToParse' })
    expect(await Entry.countDocuments()).toBe(0)
  })

  it('fails the commit of a transaction with code 59 and keeps its writes (no rollback)', async () => {
    const Ledger = conn.model('TxnLedger', new Schema({ balance: Number }))
    const { _id } = await Ledger.create({ balance: 10 })
    await expect(
      conn.transaction(async (session) => {
        // find runs, silently outside the transaction; update is no longer the first command,
        // so it runs outside it too; only commitTransaction is refused.
        await Ledger.findById(_id).session(session).orFail()
        await Ledger.updateOne({ _id }, { $inc: { balance: -3 } }, { session })
      }),
    ).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' })
    const stored = await Ledger.findById(_id).lean().orFail()
    expect(stored.balance).toBe(7)
  })
})
