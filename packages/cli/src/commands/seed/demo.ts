import { type DemoSeedResult, demoSeedOptions, describeDemoSeed } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class SeedDemo extends KlosetCommand {
  static override summary = 'Fill an empty database with demo stores, products and an admin'
  static override description =
    'Runs only when the database has no user accounts at all, so it can never mix demo data with real data. The admin password is random and printed once.'
  static override examples = [
    '<%= config.bin %> seed demo',
    'MONGODB_URI=mongodb://127.0.0.1:27017/kloset_demo <%= config.bin %> seed demo --json',
  ]

  static override flags = {
    domain: Flags.string({
      summary: 'Domain of the demo accounts’ email addresses',
      default: 'kloset.local',
    }),
  }

  async run(): Promise<DemoSeedResult> {
    const { flags } = await this.parse(SeedDemo)
    const input = this.validate(demoSeedOptions, { domain: flags.domain })
    const core = await this.core()
    // Counts the stores the seed has registered so far (the demo has a handful).
    const result = await this.progress('Seeding the demo marketplace, stores:').around(
      core.seed.demo(input),
      async () => ({ done: (await core.stores.list(this.ctx, { limit: 100 })).items.length }),
    )
    for (const line of describeDemoSeed(result)) this.say(line)
    return result
  }
}
