import { type AuditEntryDTO, listAuditQuery, type Page } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { type Column, listOutputFlags, renderList } from '../../list-output.js'

const columns: Column<AuditEntryDTO>[] = [
  { name: 'at', value: (e) => e.at.slice(0, 19).replace('T', ' ') },
  { name: 'actor', value: (e) => e.actor },
  { name: 'action', value: (e) => e.action },
  { name: 'target', value: (e) => `${e.target.type}:${e.target.id}` },
  { name: 'reason', value: (e) => e.reason ?? '' },
]

export default class AuditList extends KlosetCommand {
  static override summary = 'The audit log, newest first'
  static override examples = [
    '<%= config.bin %> audit list --action user.suspended --since 2026-12-01',
    '<%= config.bin %> audit list --actor <user id> --json',
    '<%= config.bin %> audit list --target-type store --target-id <store id>',
  ]

  static override flags = {
    actor: Flags.string({ summary: 'Only this actor: a user id, or a label as listed' }),
    action: Flags.string({ summary: 'Only this action, e.g. store.approved' }),
    'target-type': Flags.string({ summary: 'Only targets of this type: user, store, product...' }),
    'target-id': Flags.string({ summary: 'Only this target id' }),
    since: Flags.string({ summary: 'Only entries at or after this ISO date or date-time' }),
    ...pageFlags,
    ...listOutputFlags,
  }

  async run(): Promise<Page<AuditEntryDTO>> {
    const { flags } = await this.parse(AuditList)
    const {
      'target-type': targetType,
      'target-id': targetId,
      columns: chosen,
      sort,
      csv,
      ...rest
    } = flags
    const query = this.validate(listAuditQuery, { ...rest, targetType, targetId })
    const core = await this.core()
    const page = await core.audit.list(this.ctx, query)
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
