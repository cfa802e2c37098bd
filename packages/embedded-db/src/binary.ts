import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const FERRETDB_VERSION = 'v1.24.2'

/** Thrown when the engine cannot be built; the message says what to install or set instead. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError'
}

const goSourceDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'go')

/** Where built engines are kept: outside the repository, shared by every clone on the machine. */
export function engineCacheDir(): string {
  const base =
    process.env.KLOSET_ENGINE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kloset')
  return base
}

async function sourceFingerprint(): Promise<string> {
  const hash = createHash('sha256')
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(file).update(await readFile(join(goSourceDir, file)))
  }
  return hash.digest('hex').slice(0, 12)
}

const GO_CANDIDATES = ['go', '/usr/local/go/bin/go']

async function findGo(candidates: readonly string[]): Promise<string> {
  for (const candidate of candidates) {
    try {
      const { stdout } = await run(candidate, ['version'])
      const match = /go(\d+)\.(\d+)/.exec(stdout)
      if (match && (Number(match[1]) > 1 || Number(match[2]) >= 24)) return candidate
    } catch {
      // not this one
    }
  }
  throw new EngineUnavailableError(
    'The embedded database engine (FerretDB ' +
      FERRETDB_VERSION +
      ') is built from Go modules and needs Go 1.24 or newer on PATH. ' +
      'Install Go (https://go.dev/dl/) or set MONGODB_URI to a MongoDB server.',
  )
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Returns the path of the engine binary, building it once per source version. Concurrent callers
 * (several jest workers, a server and a CLI) wait on one build through a lock directory.
 * @throws EngineUnavailableError when Go is missing or the build fails.
 */
export async function ensureEngineBinary(
  options: { cacheDir?: string; goCandidates?: readonly string[] } = {},
): Promise<string> {
  const dir = join(
    options.cacheDir ?? engineCacheDir(),
    `ferretdb-${FERRETDB_VERSION}-${await sourceFingerprint()}`,
  )
  const binary = join(dir, 'kloset-ferretdb')
  if (existsSync(binary)) return binary

  await mkdir(dirname(dir), { recursive: true })
  const lock = `${dir}.lock`
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      await mkdir(lock)
      break
    } catch {
      if (existsSync(binary)) return binary
      // A lock older than the longest build belongs to a crashed builder.
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > 15 * 60_000) await rm(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new EngineUnavailableError(`Timed out waiting for ${lock}`)
      await sleep(500)
    }
  }
  try {
    if (existsSync(binary)) return binary
    const go = await findGo(options.goCandidates ?? GO_CANDIDATES)
    const tmp = `${dir}.tmp-${process.pid}`
    await mkdir(tmp, { recursive: true })
    process.stderr.write(`Building the embedded engine (FerretDB ${FERRETDB_VERSION}) once...\n`)
    try {
      await run(go, ['build', '-trimpath', '-mod=mod', '-o', join(tmp, 'kloset-ferretdb'), '.'], {
        cwd: goSourceDir,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
        maxBuffer: 16 * 1024 * 1024,
      })
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error)
      throw new EngineUnavailableError(
        `Building the embedded engine failed:\n${stderr.trim()}\n` +
          'Check that the Go module proxy is reachable, or set MONGODB_URI to a MongoDB server.',
      )
    }
    await rm(dir, { recursive: true, force: true })
    await rename(tmp, dir)
    return binary
  } finally {
    await rm(lock, { recursive: true, force: true })
    await cleanupStaleTemps(dirname(dir))
  }
}

async function cleanupStaleTemps(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [])
  for (const entry of entries) {
    const pid = /\.tmp-(\d+)$/.exec(entry)?.[1]
    if (pid && !isAlive(Number(pid)))
      await rm(join(parent, entry), { recursive: true, force: true })
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
