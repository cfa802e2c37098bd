import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import {
  appendFile,
  copyFile,
  cp,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
} from 'node:fs/promises'
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

/**
 * Which engine to build: `patched` (the default, FerretDB with `patches/`) or `upstream`
 * (FerretDB as published, kept buildable so the benchmarks can compare the two).
 */
export type EngineVariant = 'patched' | 'upstream'

const patchDir = resolve(goSourceDir, '..', 'patches')
export const ENGINE_PATCH = join(patchDir, `ferretdb-${FERRETDB_VERSION}-kloset.patch`)

/**
 * The build cache key: the wrapper's sources, the variant and, when patched, the patch itself,
 * so a changed patch always builds a new engine and an old binary is never picked up.
 */
export async function engineFingerprint(
  variant: EngineVariant,
  patchFile = ENGINE_PATCH,
): Promise<string> {
  const hash = createHash('sha256').update(variant)
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(file).update(await readFile(join(goSourceDir, file)))
  }
  if (variant === 'patched') hash.update('patch').update(await readFile(patchFile))
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
  options: {
    cacheDir?: string
    goCandidates?: readonly string[]
    variant?: EngineVariant
    /** Another patch than `patches/`: for tests of the build itself. */
    patchFile?: string
  } = {},
): Promise<string> {
  const variant = options.variant ?? 'patched'
  const patchFile = options.patchFile ?? ENGINE_PATCH
  const suffix = variant === 'patched' ? '' : `-${variant}`
  const dir = join(
    options.cacheDir ?? engineCacheDir(),
    `ferretdb-${FERRETDB_VERSION}${suffix}-${await engineFingerprint(variant, patchFile)}`,
  )
  const binary = join(dir, 'kloset-ferretdb')
  if (existsSync(binary)) return binary

  await mkdir(dirname(dir), { recursive: true })
  const lock = `${dir}.lock`
  if (await takeBuildLock(lock, binary)) return binary
  try {
    if (existsSync(binary)) return binary
    const go = await findGo(options.goCandidates ?? GO_CANDIDATES)
    await buildInto(dir, go, variant === 'patched' ? patchFile : null)
    return binary
  } finally {
    await rm(lock, { recursive: true, force: true })
    await cleanupStaleTemps(dirname(dir))
  }
}

const LOCK_WAIT_MS = 15 * 60_000

/**
 * Takes the build lock (a directory), waiting up to 15 minutes for another builder; true when
 * that builder finished meanwhile (the binary is there, the lock is not taken).
 * @throws EngineUnavailableError when the wait times out.
 */
async function takeBuildLock(lock: string, binary: string): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      await mkdir(lock)
      return false
    } catch {
      if (existsSync(binary)) return true
      // A lock older than the longest build belongs to a crashed builder.
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > LOCK_WAIT_MS) await rm(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new EngineUnavailableError(`Timed out waiting for ${lock}`)
      await sleep(500)
    }
  }
}

/**
 * Builds into a temporary directory of this process, then renames it to `dir`, so a reader never
 * sees half a build. @throws EngineUnavailableError with the build's output.
 */
async function buildInto(dir: string, go: string, patchFile: string | null): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`
  await mkdir(tmp, { recursive: true })
  process.stderr.write(`Building the embedded engine (FerretDB ${FERRETDB_VERSION}) once...\n`)
  try {
    await buildEngine(go, patchFile, tmp)
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    const stderr = (error as { stderr?: string }).stderr || String(error)
    throw new EngineUnavailableError(
      `Building the embedded engine failed:\n${stderr.trim()}\n` +
        'Check that the Go module proxy is reachable, or set MONGODB_URI to a MongoDB server.',
    )
  }
  await rm(dir, { recursive: true, force: true })
  await rename(tmp, dir)
}

/**
 * Builds the wrapper in `out/src/engine` into `out/kloset-ferretdb`. For the patched variant,
 * FerretDB's module source is copied to `out/src/ferretdb`, the patch applied to the copy, and the
 * wrapper's go.mod pointed at it with a `replace` directive; the module cache stays untouched.
 */
async function buildEngine(go: string, patchFile: string | null, out: string): Promise<void> {
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' }
  const src = join(out, 'src')
  const wrapper = join(src, 'engine')
  await mkdir(wrapper, { recursive: true })
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    await copyFile(join(goSourceDir, file), join(wrapper, file))
  }
  if (patchFile) {
    const { stdout } = await run(
      go,
      ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`],
      { cwd: wrapper, env },
    )
    const module = join(src, 'ferretdb')
    await cp((JSON.parse(stdout) as { Dir: string }).Dir, module, { recursive: true })
    await run('chmod', ['-R', 'u+w', module])
    // The ceiling keeps git from treating an enclosing repository as the patch's root.
    await run('git', ['apply', '--whitespace=nowarn', patchFile], {
      cwd: module,
      env: { ...env, GIT_CEILING_DIRECTORIES: src },
    })
    await appendFile(
      join(wrapper, 'go.mod'),
      '\nreplace github.com/FerretDB/FerretDB => ../ferretdb\n',
    )
  }
  await run(go, ['build', '-trimpath', '-mod=mod', '-o', join(out, 'kloset-ferretdb'), '.'], {
    cwd: wrapper,
    env,
    maxBuffer: 16 * 1024 * 1024,
  })
  await rm(src, { recursive: true, force: true })
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
