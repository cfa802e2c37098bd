import { hostname, userInfo } from 'node:os'
import {
  ConfigError,
  type Core,
  type Ctx,
  createCore,
  databaseUnavailable,
  EngineUnavailableError,
  type ErrorCode,
  isAppError,
  loadConfig,
  makeCtx,
  type Page,
  ValidationError,
  validateInput,
} from '@kloset/core'
import { Command, Errors, type Interfaces } from '@oclif/core'
import chalk from 'chalk'
import { exitCodeOf } from './exit-codes.js'
import { Progress } from './progress.js'
import { canPrompt, confirm } from './prompt.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof KlosetCommand)['baseFlags'] & T['flags']
>

/**
 * The base of every `kloset` command. It owns `--json` (the `{status, result | error}` envelope
 * and the exit codes), opens the core with the administrator at the terminal as the actor, and
 * closes it afterwards. A command's `run()` returns its JSON result and prints for people.
 */
export abstract class KlosetCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {}

  private _core: Core | undefined
  protected ctx!: Ctx

  /** The core, opened on first use so `--help` and argument errors never touch the database. */
  protected async core(): Promise<Core> {
    if (!this._core) {
      const config = loadConfig()
      this._core = await createCore({
        ...config,
        logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn',
      })
      const osUser = safeUser()
      this.ctx = makeCtx(
        { kind: 'admin-cli', id: `cli:${osUser}@${hostname()}`, osUser },
        this._core.clock.now(),
      )
    }
    return this._core
  }

  override async init(): Promise<void> {
    await super.init()
    if (this.jsonEnabled() || !process.stdout.isTTY) chalk.level = 0
  }

  protected override toSuccessJson(result: unknown): unknown {
    return { status: 'ok', result }
  }

  protected override toErrorJson(error: unknown): unknown {
    const { code, message, details } = describe(error)
    return { status: 'error', error: { code, message, ...(details ? { details } : {}) } }
  }

  override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const described = describe(error)
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(error))
    } else {
      this.logToStderr(`${chalk.red('Error:')} ${described.message}`)
      if (described.details) this.logToStderr(chalk.dim(JSON.stringify(described.details, null, 2)))
    }
    process.exitCode = described.exitCode
    throw new Errors.ExitError(described.exitCode)
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this._core?.close()
    await super.finally(error)
  }

  /** Prints a line for people; silent under `--json`. */
  protected say(message = ''): void {
    if (!this.jsonEnabled()) this.log(message)
  }

  /** Tells people how to ask for the next page of a list, when there is one. */
  protected sayNextPage(page: Page<unknown>): void {
    if (page.nextCursor) this.say(`More: --cursor ${page.nextCursor}`)
  }

  /**
   * Prints a rendered list (table or CSV, list-output.ts); with CSV the next-page hint goes to
   * stderr, so stdout stays a clean CSV file.
   */
  protected sayList(rendered: string, csv: boolean | undefined, page?: Page<unknown>): void {
    this.say(rendered)
    if (!page?.nextCursor) return
    if (csv) this.logToStderr(`More: --cursor ${page.nextCursor}`)
    else this.sayNextPage(page)
  }

  /** A spinner with counts on stderr for long work; silent under `--json` or off a terminal. */
  protected progress(label: string): Progress {
    return new Progress(label, process.stderr, !this.jsonEnabled() && !!process.stderr.isTTY)
  }

  /** Validates input with a core zod schema. @throws ValidationError */
  protected validate = validateInput

  /**
   * The gate of money-moving and destructive commands: true with `--yes`, else the operator's
   * answer to `question`; under `--json` or without a terminal it refuses rather than prompt.
   * @throws ValidationError `confirmation_required` (exit 3) when it cannot ask.
   */
  protected async confirmed(yes: boolean, question: string, refusal: string): Promise<boolean> {
    if (yes) return true
    if (this.jsonEnabled() || !canPrompt()) {
      throw new ValidationError(refusal, undefined, 'confirmation_required')
    }
    return confirm(question)
  }
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

function describe(thrown: unknown): {
  code: ErrorCode
  message: string
  details?: unknown
  exitCode: number
} {
  const error = databaseUnavailable(thrown) ?? thrown
  if (isAppError(error)) {
    return {
      code: error.code,
      message: error.message,
      details: error.details,
      exitCode: exitCodeOf[error.kind],
    }
  }
  if (error instanceof ConfigError)
    return { code: 'invalid_config', message: error.message, exitCode: exitCodeOf.usage }
  if (error instanceof EngineUnavailableError) {
    return { code: 'engine_unavailable', message: error.message, exitCode: exitCodeOf.unavailable }
  }
  const oclifError = error as { oclif?: { exit?: number }; message?: string }
  if (oclifError?.oclif?.exit !== undefined) {
    return {
      code: 'usage',
      message: oclifError.message ?? 'Invalid usage',
      exitCode: exitCodeOf.usage,
    }
  }
  return {
    code: 'internal_error',
    message: (error as Error)?.message ?? String(error),
    exitCode: exitCodeOf.internal,
  }
}
