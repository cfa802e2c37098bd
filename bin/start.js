#!/usr/bin/env node
// `npm start` runs this after bin/setup: the marketplace on its embedded defaults.
import { fileURLToPath } from 'node:url'

process.env.DATA_DIR ??= fileURLToPath(new URL('../.data', import.meta.url))
await import('../packages/server/dist/main.js')
