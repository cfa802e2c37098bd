import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  ENGINE_PATCH,
  EngineUnavailableError,
  engineFingerprint,
  ensureEngineBinary,
} from './binary.js'

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

  it('keys the build cache on the patch, so a changed patch never reuses an old engine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kloset-engine-patch-'))
    dirs.push(dir)
    const changed = join(dir, 'changed.patch')
    await writeFile(changed, `${await readFile(ENGINE_PATCH, 'utf8')}\n`)
    const patched = await engineFingerprint('patched')
    expect(await engineFingerprint('patched', changed)).not.toBe(patched)
    expect(await engineFingerprint('upstream')).not.toBe(patched)
    // The upstream build does not read the patch at all.
    expect(await engineFingerprint('upstream')).toBe(await engineFingerprint('upstream', changed))
  })

  it('stops with the reason when the patch does not apply, and leaves nothing behind', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'kloset-engine-cache-'))
    dirs.push(cacheDir)
    const patchDir = await mkdtemp(join(tmpdir(), 'kloset-engine-patch-'))
    dirs.push(patchDir)
    const stale = join(patchDir, 'stale.patch')
    await writeFile(
      stale,
      [
        '--- a/internal/backends/sqlite/query.go',
        '+++ b/internal/backends/sqlite/query.go',
        '@@ -1,1 +1,1 @@',
        '-this line is not in FerretDB v1.24.2',
        '+nor is this one',
        '',
      ].join('\n'),
    )
    const attempt = ensureEngineBinary({ cacheDir, patchFile: stale })
    await expect(attempt).rejects.toThrow(/Building the embedded engine failed:.*patch/s)
    expect(await readdir(cacheDir)).toEqual([])
  }, 120_000)
})
