import type { RuleSetRow } from '@kloset/core'
import { KlosetCommand } from '../../../base-command.js'
import { renderTable, statusColour } from '../../../table.js'

export default class FraudRulesList extends KlosetCommand {
  static override summary = 'List the repository’s rule sets and how each is published'
  static override examples = [
    '<%= config.bin %> fraud rules list',
    '<%= config.bin %> fraud rules list --json',
  ]

  async run(): Promise<{ items: RuleSetRow[] }> {
    const core = await this.core()
    const items = await core.fraud.listRuleSets(this.ctx)
    for (const set of items) {
      const { review, hold, decline } = set.thresholds
      this.say(
        `v${set.version} ${set.name}: ${statusColour(set.mode)}; review >= ${review}, hold >= ${hold}, decline >= ${decline}`,
      )
      this.say(
        renderTable(
          ['rule', 'points', 'when', 'reason'],
          set.rules.map((r) => [
            r.id,
            r.points,
            r.when.map((c) => `${c.input} ${c.op} ${c.value}`).join(' and '),
            r.reason,
          ]),
        ),
      )
    }
    return { items }
  }
}
