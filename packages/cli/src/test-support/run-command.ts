import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import { jest } from '@jest/globals'
import { type TestWorld, testMongoUri } from '@kloset/core/testing'
import { Config } from '@oclif/core'

let config: Config | undefined

export interface CommandRun {
  exitCode: number
  stdout: string
  stderr: string
  /** The parsed `--json` envelope, when the command printed one. */
  json:
    | { status: 'ok' | 'error'; result?: unknown; error?: { code: string; message: string } }
    | undefined
}

/** A `--json` envelope of a command that succeeded, its result typed as the test reads it. */
export type Ok<T> = { status: 'ok'; result: T }

/** The `result` of a run's `--json` envelope, typed as the test reads it. */
export const resultOf = <T>(run: CommandRun): T => (run.json as unknown as { result: T }).result

type CommandClass = { run(argv: string[], config: Config): Promise<unknown> }

/**
 * Runs a `kloset` command in-process against the test world's database (and its Paystack
 * sandbox, if it has one), the way the binary would: same argv parsing, same `--json` envelope
 * and exit code.
 */
export async function runCommand(
  world: TestWorld,
  command: CommandClass,
  argv: string[],
  stdin?: string,
): Promise<CommandRun> {
  config ??= await Config.load(fileURLToPath(new URL('../..', import.meta.url)))
  const { paystack } = world.config
  const env: Record<string, string> = {
    MONGODB_URI: `${testMongoUri()}${world.dbName}`,
    DATA_DIR: world.config.dataDir,
    JWT_SECRET: world.config.jwtSecret,
    SMTP_URL: world.smtp.url,
    PUBLIC_URL: world.config.publicUrl,
    LOG_LEVEL: 'silent',
  }
  if (paystack.mode === 'test') {
    // A world with a Paystack sandbox of its own (createPaystackWorld): the command's core
    // must talk to that same sandbox.
    env.PAYSTACK_SECRET_KEY = paystack.secretKey
    env.PAYSTACK_BASE_URL = paystack.baseUrl
  }
  const saved = { ...process.env }
  Object.assign(process.env, env)
  let stdout = ''
  let stderr = ''
  // oclif writes through console.log / console.error.
  const out = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    stdout += `${format(...args)}\n`
  })
  const err = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    stderr += `${format(...args)}\n`
  })
  const savedExit = process.exitCode
  const savedStdin = process.stdin
  process.exitCode = 0
  let exitCode = 0
  try {
    if (stdin !== undefined) {
      const { Readable } = await import('node:stream')
      const fake = Readable.from([stdin])
      Object.defineProperty(process, 'stdin', { value: fake, configurable: true })
    }
    await command.run(argv, config)
    exitCode = Number(process.exitCode ?? 0)
  } catch (error) {
    const oclif = (error as { oclif?: { exit?: number } }).oclif
    exitCode = oclif?.exit ?? Number(process.exitCode || 1)
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = savedExit
    Object.defineProperty(process, 'stdin', { value: savedStdin, configurable: true })
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  }
  let json: CommandRun['json']
  try {
    json = JSON.parse(stdout)
  } catch {
    json = undefined
  }
  return { exitCode, stdout, stderr, json }
}
