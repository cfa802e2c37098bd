import type { UsersService } from '../accounts/users.service.js'
import type { PlanPolicy } from '../plans/plan.types.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { StoresService } from './store.service.js'

/**
 * Stores: registration, the administrators' decisions, the public view. The free plan's policy
 * comes from plans, which are wired later: a closure, called once createCore has returned.
 */
export function wireStores(
  p: Platform,
  deps: { users: UsersService; freePlanPolicy: () => Promise<PlanPolicy> },
): Wired<{ stores: StoresService }> {
  const stores = new StoresService({
    stores: p.models.stores,
    people: deps.users,
    audit: p.audit,
    mail: p.mail,
    events: p.events,
    publicUrl: p.publicUrl,
    freePlanPolicy: deps.freePlanPolicy,
  })
  return { services: { stores } }
}
