import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import { ConflictError, NotFoundError } from '../shared/errors.js'
import { blockListOf, parseCidr } from './ip-address.js'
import type { IpBlockDoc, IpBlockModel } from './ip-block.model.js'
import type { BlockIpBody } from './ip-block.schemas.js'

export interface IpBlockDTO {
  id: string
  cidr: string
  reason: string
  createdBy: string
  createdAt: string
  expiresAt?: string
}

/** How long an instance goes on using the blocks it read; a change reaches every instance within it. */
export const IP_BLOCK_REFRESH_MS = 5_000
/** The most blocks a list shows; more than this belongs in a firewall. */
const MAX_LISTED = 1_000

/**
 * Address and range blocks, applied at the door of the HTTP API and the WebSocket gateway.
 * Each instance keeps the live blocks in memory and re-reads them every few seconds, so the
 * check costs no database call per request and a block set anywhere (CLI, another instance)
 * takes effect everywhere within IP_BLOCK_REFRESH_MS.
 */
export class IpBlockService {
  private matcher: (ip: string) => boolean = () => false
  private loadedAt = Number.NEGATIVE_INFINITY
  private nextExpiry = Number.POSITIVE_INFINITY
  private loading: Promise<void> | undefined

  constructor(private deps: { ipBlocks: IpBlockModel; audit: AuditService; clock: Clock }) {}

  /** Blocks an address or range. @throws ConflictError when that range is already blocked. */
  async block(ctx: Ctx, input: BlockIpBody): Promise<IpBlockDTO> {
    requireAdminOrSystem(ctx)
    const range = parseCidr(input.cidr)
    const expiresAt = input.expiresInMinutes
      ? new Date(ctx.now.getTime() + input.expiresInMinutes * 60_000)
      : undefined
    await this.deps.ipBlocks.deleteMany({ cidr: range.cidr, expiresAt: op({ $lte: ctx.now }) })
    let created: IpBlockDoc
    try {
      created = (
        await this.deps.ipBlocks.create({
          cidr: range.cidr,
          family: range.family,
          reason: input.reason,
          createdBy: describeActor(ctx.actor),
          createdAt: ctx.now,
          ...(expiresAt ? { expiresAt } : {}),
        })
      ).toObject()
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      throw new ConflictError(`${range.cidr} is already blocked`, 'ip_already_blocked')
    }
    await this.deps.audit.record(
      ctx,
      'ip.blocked',
      { type: 'ip', id: range.cidr },
      {
        reason: input.reason,
        ...(expiresAt ? { details: { expiresAt: expiresAt.toISOString() } } : {}),
      },
    )
    await this.reload()
    return toIpBlockDTO(created)
  }

  /**
   * Lifts the block on exactly this range (or the block with this id).
   * @throws NotFoundError when no such block exists.
   */
  async unblock(ctx: Ctx, cidrOrId: string, reason?: string): Promise<IpBlockDTO> {
    requireRole(ctx, 'admin')
    const filter = /^[0-9a-f]{24}$/.test(cidrOrId)
      ? { _id: cidrOrId }
      : { cidr: parseCidr(cidrOrId).cidr }
    const removed = await this.deps.ipBlocks.findOneAndDelete(filter).lean()
    if (!removed) throw new NotFoundError('IP block', 'ip_block_not_found')
    await this.deps.audit.record(
      ctx,
      'ip.unblocked',
      { type: 'ip', id: removed.cidr },
      reason ? { reason } : {},
    )
    await this.reload()
    return toIpBlockDTO(removed)
  }

  /** The blocks in force, newest first. */
  async list(ctx: Ctx): Promise<{ items: IpBlockDTO[] }> {
    requireRole(ctx, 'admin')
    const rows = await this.live(ctx.now)
    return { items: rows.map(toIpBlockDTO) }
  }

  /**
   * True when `ip` is inside a block in force. Uses the blocks read at most
   * IP_BLOCK_REFRESH_MS ago; if the database cannot be read, the last blocks read stay in force.
   */
  async isBlocked(ip: string | undefined): Promise<boolean> {
    if (!ip) return false
    const now = this.deps.clock.now().getTime()
    if (now - this.loadedAt >= IP_BLOCK_REFRESH_MS || now >= this.nextExpiry) {
      await this.reload().catch(() => {})
    }
    return this.matcher(ip)
  }

  private async live(now: Date): Promise<IpBlockDoc[]> {
    const rows = await this.deps.ipBlocks.find({}).sort({ _id: -1 }).limit(MAX_LISTED).lean()
    return rows.filter((row) => !row.expiresAt || row.expiresAt > now)
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const now = this.deps.clock.now()
        const rows = await this.live(now)
        this.matcher = blockListOf(rows.map((row) => parseCidr(row.cidr)))
        this.nextExpiry = Math.min(
          Number.POSITIVE_INFINITY,
          ...rows.flatMap((row) => (row.expiresAt ? [row.expiresAt.getTime()] : [])),
        )
        this.loadedAt = now.getTime()
      } finally {
        this.loading = undefined
      }
    })()
    return this.loading
  }
}

function toIpBlockDTO(row: IpBlockDoc): IpBlockDTO {
  return {
    id: String(row._id),
    cidr: row.cidr,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
  }
}
