import { ValidationError } from '@kloset/core'

/** Reads all of standard input (for `--password-stdin`), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer | string))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** True when a person is at the terminal to answer a prompt. */
export const canPrompt = (): boolean => !!process.stdin.isTTY && !!process.stdout.isTTY

/** Asks for a new password twice, hidden. @throws ValidationError when they differ. */
export async function promptNewPassword(): Promise<string> {
  const { default: inquirer } = await import('inquirer')
  const answers = await inquirer.prompt<{ password: string; again: string }>([
    { type: 'password', name: 'password', message: 'Password (10+ characters):', mask: '*' },
    { type: 'password', name: 'again', message: 'Same password again:', mask: '*' },
  ])
  if (answers.password !== answers.again) throw new ValidationError('The passwords differ')
  return answers.password
}

/** Asks a yes/no question; defaults to no. */
export async function confirm(message: string): Promise<boolean> {
  const { default: inquirer } = await import('inquirer')
  const { ok } = await inquirer.prompt<{ ok: boolean }>([
    { type: 'confirm', name: 'ok', message, default: false },
  ])
  return ok
}
