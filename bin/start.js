#!/usr/bin/env node
// `npm start`: set-up (bin/setup), then the marketplace on its embedded defaults, in this one
// process. package.json runs it with `exec`, so npm's shell is replaced and the SIGTERM a
// container runtime sends to `npm start` reaches this process, which shuts everything down
// (docs/operations.md, "Stopping").
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

if (process.env.KLOSET_SKIP_SETUP !== '1') {
  const setup = spawnSync('bash', [fileURLToPath(new URL('setup', import.meta.url))], {
    stdio: 'inherit',
  })
  if (setup.status !== 0) process.exit(setup.status ?? 1)
}
process.env.DATA_DIR ??= fileURLToPath(new URL('../.data', import.meta.url))
await import('../packages/server/dist/main.js')
