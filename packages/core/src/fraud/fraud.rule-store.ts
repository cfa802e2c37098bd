import { op } from '../db/query.js'
import type { Ctx } from '../shared/ctx.js'
import { describeActor } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import type { FraudRuleSetDoc, FraudRuleSetModel } from './fraud.model.js'
import { RULE_SETS, ruleSetDefinition } from './fraud.rule-sets.js'
import type { RuleSetDefinition } from './fraud.types.js'

/** How long a process keeps the published rule sets before reading them again. */
const CACHE_MS = 10_000

export interface RuleSetRow extends RuleSetDefinition {
  mode: FraudRuleSetDoc['mode'] | 'unpublished'
  publishedAt?: string
  publishedBy?: string
}

const definitionOf = (doc: FraudRuleSetDoc): RuleSetDefinition => ({
  version: doc.version,
  name: doc.name,
  thresholds: doc.thresholds,
  rules: doc.rules,
})

/**
 * Published rule sets: at most one `live` and one `shadow`. Before any is published the
 * repository's first version runs live, so a fresh marketplace is never unguarded.
 */
export class RuleSetStore {
  private cached?: { at: number; live: RuleSetDefinition; shadow?: RuleSetDefinition }

  constructor(private deps: { ruleSets: FraudRuleSetModel; now: () => number }) {}

  /** The live set and the shadow set, cached per process for `CACHE_MS`. */
  async active(): Promise<{ live: RuleSetDefinition; shadow?: RuleSetDefinition }> {
    const now = this.deps.now()
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached
    const docs = await this.deps.ruleSets
      .find({ mode: op({ $in: ['live', 'shadow'] as FraudRuleSetDoc['mode'][] }) })
      .lean()
    const live = docs.find((d) => d.mode === 'live')
    const shadow = docs.find((d) => d.mode === 'shadow')
    this.cached = {
      at: now,
      live: live ? definitionOf(live) : (RULE_SETS[0] as RuleSetDefinition),
      ...(shadow ? { shadow: definitionOf(shadow) } : {}),
    }
    return this.cached
  }

  /** Every rule set of the repository, with how each is published. */
  async list(): Promise<RuleSetRow[]> {
    const docs = await this.deps.ruleSets.find({}).lean()
    const byVersion = new Map(docs.map((d) => [d.version, d]))
    return RULE_SETS.map((set) => {
      const doc = byVersion.get(set.version)
      return {
        ...set,
        mode: doc?.mode ?? 'unpublished',
        ...(doc
          ? { publishedAt: doc.publishedAt.toISOString(), publishedBy: doc.publishedBy }
          : {}),
      }
    })
  }

  /** The repository's rule set of that version. @throws NotFoundError */
  definition(version: number): RuleSetDefinition {
    const set = ruleSetDefinition(version)
    if (!set) throw new NotFoundError(`Rule set version ${version}`)
    return set
  }

  /**
   * Publishes a repository rule set as live (the previous live one retires, a shadow of the same
   * version is promoted) or as the shadow (replacing the previous shadow).
   */
  async publish(ctx: Ctx, version: number, shadow: boolean): Promise<RuleSetRow> {
    const set = this.definition(version)
    const mode = shadow ? 'shadow' : 'live'
    await this.deps.ruleSets.updateMany(
      { mode, version: op({ $ne: version }) },
      { $set: { mode: 'retired' } },
    )
    const doc = await this.deps.ruleSets
      .findOneAndUpdate(
        { version },
        {
          $set: {
            name: set.name,
            mode,
            thresholds: set.thresholds,
            rules: set.rules,
            publishedAt: ctx.now,
            publishedBy: describeActor(ctx.actor),
          },
        },
        { upsert: true, returnDocument: 'after' },
      )
      .lean()
    this.cached = undefined
    return {
      ...definitionOf(doc as FraudRuleSetDoc),
      mode,
      publishedAt: ctx.now.toISOString(),
      publishedBy: describeActor(ctx.actor),
    }
  }
}
