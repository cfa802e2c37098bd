#!/usr/bin/env node
// Writes the OpenAPI document of the built server (npm run build first) to a file, for the
// generated client (`npm run client`) and the Postman collection (`npm run postman`).
// Usage: node bin/contract.js <out.json>
import { readFileSync, writeFileSync } from 'node:fs'
import { apiDocument } from '../packages/server/dist/index.js'

const out = process.argv[2]
if (!out) {
  console.error('usage: node bin/contract.js <out.json>')
  process.exit(2)
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const document = apiDocument({ version, serverUrl: 'http://localhost:8080' })
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`)
console.log(`wrote ${out}: ${Object.keys(document.paths).length} paths`)
