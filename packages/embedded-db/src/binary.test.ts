import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { EngineUnavailableError, ensureEngineBinary } from './binary.js'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('building the embedded engine', () => {
  it('stops with a message naming Go and MONGODB_URI when no Go is installed', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'kloset-engine-cache-'))
    dirs.push(cacheDir)
    const attempt = ensureEngineBinary({ cacheDir, goCandidates: ['/nonexistent/bin/go'] })
    await expect(attempt).rejects.toBeInstanceOf(EngineUnavailableError)
    await expect(attempt).rejects.toThrow(/needs Go 1\.24 or newer.*set MONGODB_URI/s)
    // Nothing half-built is left behind for the next attempt to trip over.
    expect(await readdir(cacheDir)).toEqual([])
  })
})
