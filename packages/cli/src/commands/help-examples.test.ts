import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from '@jest/globals'

/**
 * Every command's help shows at least one example, and every example is a command line that
 * parses: it names the command itself and only flags the command has. Read from the same
 * manifest the `kloset` binary loads (the compiled commands, plus the autocomplete plugin's).
 */
interface CommandHelp {
  id: string
  hidden: boolean
  examples: (string | { command: string })[]
  flags: string[]
}
let commands: CommandHelp[]

beforeAll(() => {
  // Loaded by a plain node process, as the binary loads them (jest's module sandbox cannot
  // import the compiled commands).
  const script = `
    import { Config, settings } from '@oclif/core'
    settings.enableAutoTranspile = false
    const config = await Config.load(${JSON.stringify(fileURLToPath(new URL('../..', import.meta.url)))})
    const commands = await Promise.all(config.commands.map(async (c) => {
      const loaded = await c.load()
      return { id: c.id, hidden: !!c.hidden, examples: loaded.examples ?? [], flags: Object.keys(loaded.flags ?? {}).concat(loaded.enableJsonFlag ? ['json'] : []) }
    }))
    process.stdout.write(JSON.stringify(commands))
  `
  const run = spawnSync('node', ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(run.stderr)
  commands = JSON.parse(run.stdout) as CommandHelp[]
}, 60_000)

/** An example as a person would type it: `kloset` instead of the template, env prefix dropped. */
const typed = (example: string | { command: string }): string =>
  (typeof example === 'string' ? example : example.command)
    .replaceAll('<%= config.bin %>', 'kloset')
    .replace(/^\$\s+/, '')
    .replace(/^([A-Z_]+=\S+\s+)+/, '')

describe('the help of every command', () => {
  it('lists the commands we expect, autocomplete and doctor included', () => {
    const ids = commands.map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining(['autocomplete', 'doctor', 'stores:approve']))
  })

  it('shows at least one example that runs the command itself with flags it has', () => {
    const problems: string[] = []
    for (const command of commands.filter((c) => !c.hidden)) {
      const examples = command.examples ?? []
      if (examples.length === 0) problems.push(`${command.id}: no example`)
      for (const example of examples) {
        const line = typed(example)
        const words = command.id.split(':').join(' ')
        if (!line.includes(`kloset ${words}`)) problems.push(`${command.id}: "${line}"`)
        const flags = [...line.matchAll(/\s--([a-z][a-z-]*)/g)].map((m) => m[1]!)
        for (const flag of flags) {
          // `--no-featured` negates a boolean flag declared with `allowNo`.
          const named = flag.startsWith('no-') ? flag.slice(3) : flag
          if (!command.flags.includes(flag) && !command.flags.includes(named))
            problems.push(`${command.id}: unknown --${flag} in "${line}"`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})
