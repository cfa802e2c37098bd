import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Replays the Dockerfile without a container runtime (none on our machines or in CI), so the
 * image's steps are exercised by a test and cannot rot: the runtime stage's files are copied into
 * a directory standing for its `/app`, its `npm ci` runs there for real, and the test then starts
 * its CMD. Steps it cannot replay (system packages, ownership) are listed, and a step it does not
 * know fails the replay rather than being skipped silently.
 */

export interface Instruction {
  keyword: string
  args: string
  line: number
}

export interface Stage {
  name: string
  base: string
  instructions: Instruction[]
}

/** One instruction per line (continuations are not used in our Dockerfile: see its header). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? []
    const instruction = { keyword: keyword.toUpperCase(), args, line: index + 1 }
    if (instruction.keyword === 'FROM') {
      const [base = '', , name = `stage${stages.length}`] = args.split(/\s+/)
      stages.push({ name, base, instructions: [] })
      return
    }
    const stage = stages.at(-1)
    if (!stage) throw new Error(`Dockerfile line ${index + 1}: ${keyword} before FROM`)
    stage.instructions.push(instruction)
  })
  return stages
}

/** `["a", "b"]` (exec form) as an argument list. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec-form array: ${args}`)
  }
  return parsed
}

/** `A=1 B=2` of an ENV instruction. */
export function envOf(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const at = pair.indexOf('=')
      return [pair.slice(0, at), pair.slice(at + 1)]
    }),
  )
}

export interface Replayed {
  /** The directory standing for the image's WORKDIR. */
  root: string
  env: Record<string, string>
  user?: string
  entrypoint: string[]
  cmd: string[]
  healthcheck: string[]
  exposed: string[]
  /** Commands that were not replayed, and why. */
  skipped: string[]
}

const SKIPPED_COMMANDS: [RegExp, string][] = [
  [/^apt-get /, 'system package (the machine has its own)'],
  [/^rm -rf \/var\/lib\/apt/, 'apt lists cleanup'],
  [/^npm cache clean/, 'would empty the machine’s shared npm cache'],
  [/^chown /, 'ownership (the test runs as the current user)'],
]

/**
 * Replays `stage` into `root`. `COPY --from=<build stage>` reads the repository itself: its
 * build stage is `npm ci` + `npm run build`, which `bin/setup` ran before the tests, and the
 * caller checks that the build stage still says so. `npm ci` prefers the local npm cache.
 */
export function replayStage(
  stages: Stage[],
  stageName: string,
  repo: string,
  root: string,
): Replayed {
  const stage = stages.find((s) => s.name === stageName)
  if (!stage) throw new Error(`no stage ${stageName}`)
  let workdir = '/'
  const result: Replayed = {
    root,
    env: {},
    entrypoint: [],
    cmd: [],
    healthcheck: [],
    exposed: [],
    skipped: [],
  }
  const local = (path: string): string => {
    const absolute = path.startsWith('/') ? path : join(workdir, path)
    if (!absolute.startsWith('/app')) throw new Error(`path outside /app: ${path}`)
    return join(root, absolute.slice('/app'.length))
  }
  for (const { keyword, args, line } of stage.instructions) {
    const where = `Dockerfile line ${line}`
    switch (keyword) {
      case 'WORKDIR':
        workdir = args
        mkdirSync(local(args), { recursive: true })
        break
      case 'ENV':
        Object.assign(result.env, envOf(args))
        break
      case 'COPY': {
        const parts = args.split(/\s+/)
        const from = parts[0]?.startsWith('--from=') ? parts.shift()!.slice(7) : undefined
        const target = parts.pop()!
        for (const source of parts) {
          const origin = from ? join(repo, source.replace(/^\/app\/?/, '')) : join(repo, source)
          if (!existsSync(origin)) throw new Error(`${where}: ${source} does not exist`)
          const destination = target.endsWith('/')
            ? join(local(target), source.endsWith('/') ? '' : source.split('/').pop()!)
            : local(target)
          mkdirSync(dirname(destination), { recursive: true })
          cpSync(origin, destination, {
            recursive: true,
            // What .dockerignore keeps out of the context never reaches the image.
            filter: (path) => !/\/(node_modules|\.data)(\/|$)|\.tsbuildinfo$/.test(path),
          })
        }
        break
      }
      case 'RUN':
        for (const command of args.split('&&').map((c) => c.trim())) {
          const skip = SKIPPED_COMMANDS.find(([pattern]) => pattern.test(command))
          if (skip) {
            result.skipped.push(`${command} (${skip[1]})`)
            continue
          }
          const mkdir = /^mkdir -p (\S+)$/.exec(command)
          if (mkdir) {
            mkdirSync(local(mkdir[1]!), { recursive: true })
            continue
          }
          if (!command.startsWith('npm ci '))
            throw new Error(`${where}: cannot replay "${command}"`)
          const run = spawnSync('npm', command.split(/\s+/).slice(1), {
            cwd: local('.'),
            encoding: 'utf8',
            env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false' },
          })
          if (run.status !== 0) throw new Error(`${where}: ${command} failed:\n${run.stderr}`)
        }
        break
      case 'USER':
        result.user = args
        break
      case 'EXPOSE':
        result.exposed.push(...args.split(/\s+/))
        break
      case 'HEALTHCHECK': {
        const cmd = /\bCMD\s+(\[.*\])$/.exec(args)
        if (!cmd) throw new Error(`${where}: HEALTHCHECK without an exec-form CMD`)
        result.healthcheck = execForm(cmd[1]!)
        break
      }
      case 'ENTRYPOINT':
        result.entrypoint = execForm(args)
        break
      case 'CMD':
        result.cmd = execForm(args)
        break
      default:
        throw new Error(`${where}: the replay does not know ${keyword}`)
    }
  }
  return result
}

/** The package.json files of the repository's workspaces, from its root manifest. */
export function workspacesOf(repo: string): string[] {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    workspaces: string[]
  }
  return manifest.workspaces
}
