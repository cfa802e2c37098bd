// One side of a two-process race on the embedded engine (ferretdb-smoke.test.ts). Plain
// JavaScript, run with `node`, so the child needs no TypeScript. Arguments: a JSON object
// { uri, dbName, collection, id, mode: 'cas' | 'inc', count, startAt }. Opens its own pool of
// 10 connections, waits until `startAt` (so both processes fire together), sends `count`
// concurrent updates on the document, and prints { modified } as JSON.
import mongoose from 'mongoose'

const { MongoClient, ObjectId } = mongoose.mongo

const { uri, dbName, collection, id, mode, count, startAt } = JSON.parse(process.argv[2])
const client = await new MongoClient(uri, { maxPoolSize: 10 }).connect()
const coll = client.db(dbName).collection(collection)
const _id = new ObjectId(id)
// Open the pool before the start, so connecting does not spread the updates out.
await Promise.all(Array.from({ length: 10 }, () => coll.findOne({ _id })))
await new Promise((done) => setTimeout(done, Math.max(0, startAt - Date.now())))
const results = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    mode === 'cas'
      ? coll.updateOne(
          { _id, status: 'pending' },
          { $set: { status: 'paid', by: `${process.pid}:${i}` } },
        )
      : coll.updateOne({ _id }, { $inc: { n: 1 } }),
  ),
)
process.stdout.write(
  JSON.stringify({ modified: results.reduce((sum, r) => sum + r.modifiedCount, 0) }),
)
await client.close()
