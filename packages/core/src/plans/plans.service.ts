import type { AuditService } from '../audit/audit.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { type Ctx, requireRole, systemCtx } from '../shared/ctx.js'
import { ConflictError, InvalidStateError, NotFoundError } from '../shared/errors.js'
import { validateInput } from '../shared/validate.js'
import type { StoresService } from '../stores/store.service.js'
import type { PlanDoc, PlanModel } from './plan.model.js'
import {
  type CreatePlanBody,
  createPlanBody,
  type ListPlansQuery,
  listPlansQuery,
  type UpdatePlanBody,
  updatePlanBody,
} from './plan.schemas.js'
import { FREE_PLAN_CODE, FREE_PLAN_DEFAULTS, type PlanDTO, type PlanPolicy } from './plan.types.js'

export interface PlansDeps {
  plans: PlanModel
  stores: Pick<StoresService, 'applyFreePlanPolicy'>
  paystack: Pick<PaystackClient, 'createPlan'>
  audit: AuditService
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/** The policy part of a plan. */
export function policyOf(plan: PlanDoc): PlanPolicy {
  return {
    code: plan.code,
    commissionRateBps: plan.commissionRateBps,
    productLimit: plan.productLimit ?? null,
    featured: plan.featured,
    payoutMinimumKobo: plan.payoutMinimumKobo ?? null,
  }
}

export function toPlanDTO(plan: PlanDoc): PlanDTO {
  return {
    ...policyOf(plan),
    name: plan.name,
    description: plan.description,
    amount: plan.amount,
    currency: plan.currency,
    interval: plan.interval ?? null,
    paystackPlanCode: plan.paystackPlanCode ?? null,
    status: plan.status,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  }
}

/**
 * The tiers sellers can buy (docs/plans.md). A paid plan is billed by a Paystack plan created
 * with it; its price and interval are the Paystack plan's and never change (create a new plan
 * and archive the old one). The free tier is a row too, created with its defaults on first use,
 * so that administrators can change its policy like any other.
 */
export class PlansService {
  constructor(private deps: PlansDeps) {}

  /** Active plans, the free tier first, then by price; archived ones too when asked (admin). */
  async list(ctx: Ctx, query: ListPlansQuery = {}): Promise<PlanDTO[]> {
    const { archived } = validateInput(listPlansQuery, query)
    if (archived) requireRole(ctx, 'admin')
    await this.free()
    const rows = await this.deps.plans
      .find(archived ? {} : { status: 'active' })
      .sort({ amount: 1, code: 1 })
      .lean()
    return rows.map(toPlanDTO)
  }

  /** One plan by code. @throws NotFoundError */
  async get(_ctx: Ctx, code: string): Promise<PlanDTO> {
    return toPlanDTO(await this.doc(code))
  }

  /**
   * Creates a paid plan and the Paystack plan that bills it (Paystack first: a plan row never
   * exists without its Paystack plan; a failure after Paystack answered leaves an unused
   * Paystack plan, which costs nothing).
   * @throws ValidationError, ConflictError `plan_exists`, UnavailableError when Paystack is down.
   */
  async create(ctx: Ctx, input: CreatePlanBody): Promise<PlanDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(createPlanBody, input)
    if (await this.deps.plans.exists({ code: body.code })) throw planExists(body.code)
    const paystackPlan = await this.deps.paystack.createPlan({
      name: `KlosetStore ${body.name}`,
      amount: body.amount,
      interval: body.interval,
      currency: 'NGN',
      ...(body.description ? { description: body.description } : {}),
    })
    let created: PlanDoc
    try {
      created = (
        await this.deps.plans.create({
          code: body.code,
          name: body.name,
          description: body.description,
          amount: body.amount,
          currency: 'NGN',
          interval: body.interval,
          paystackPlanCode: paystackPlan.planCode,
          commissionRateBps: body.commissionRateBps,
          ...(body.productLimit === null ? {} : { productLimit: body.productLimit }),
          featured: body.featured,
          ...(body.payoutMinimumKobo === null ? {} : { payoutMinimumKobo: body.payoutMinimumKobo }),
          status: 'active',
        })
      ).toObject()
    } catch (error) {
      if (isDuplicateKey(error)) throw planExists(body.code)
      throw error
    }
    await this.deps.audit.record(
      ctx,
      'plan.create',
      { type: 'plan', id: body.code },
      {
        details: { paystackPlanCode: paystackPlan.planCode, amount: body.amount },
      },
    )
    return toPlanDTO(created)
  }

  /**
   * Changes a plan's policy or wording. Stores already on the plan get the new policy when
   * their subscription next changes or renews; a change to the free tier reaches every store on
   * it at once (commission, featured, payout minimum; the product limit counts from the next
   * product submitted).
   * @throws NotFoundError, ValidationError, InvalidStateError `plan_archived`.
   */
  async update(ctx: Ctx, code: string, input: UpdatePlanBody): Promise<PlanDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(updatePlanBody, input)
    const plan = await this.doc(code)
    if (plan.status === 'archived') {
      throw new InvalidStateError('An archived plan cannot change', 'plan_archived')
    }
    const set: Record<string, unknown> = {}
    const unset: Record<string, 1> = {}
    for (const key of ['name', 'description', 'commissionRateBps', 'featured'] as const) {
      if (body[key] !== undefined) set[key] = body[key]
    }
    for (const key of ['productLimit', 'payoutMinimumKobo'] as const) {
      if (body[key] === null) unset[key] = 1
      else if (body[key] !== undefined) set[key] = body[key]
    }
    const updated = await this.deps.plans.findOneAndUpdate(
      { _id: plan._id },
      {
        ...(Object.keys(set).length ? { $set: set } : {}),
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
      },
      { returnDocument: 'after' },
    )
    if (!updated) throw new NotFoundError('Plan')
    let storesChanged = 0
    if (updated.code === FREE_PLAN_CODE) {
      storesChanged = await this.deps.stores.applyFreePlanPolicy(
        systemCtx('plans.update-free', ctx.now),
        policyOf(updated),
      )
    }
    await this.deps.audit.record(
      ctx,
      'plan.update',
      { type: 'plan', id: updated.code },
      {
        details: { ...body, storesChanged },
      },
    )
    return toPlanDTO(updated)
  }

  /**
   * Stops offering a plan: no new subscriptions; stores on it keep it until they change or
   * cancel. @throws NotFoundError, InvalidStateError `free_plan` / `plan_archived`.
   */
  async archive(ctx: Ctx, code: string): Promise<PlanDTO> {
    requireRole(ctx, 'admin')
    const plan = await this.doc(code)
    if (plan.code === FREE_PLAN_CODE) {
      throw new InvalidStateError('The free tier cannot be archived', 'free_plan')
    }
    const updated = await this.deps.plans.findOneAndUpdate(
      { _id: plan._id, status: 'active' },
      { $set: { status: 'archived' } },
      { returnDocument: 'after' },
    )
    if (!updated) throw new InvalidStateError('The plan is already archived', 'plan_archived')
    await this.deps.audit.record(ctx, 'plan.archive', { type: 'plan', id: updated.code })
    return toPlanDTO(updated)
  }

  /** The free tier, created with its defaults the first time anything asks for it. */
  async free(): Promise<PlanDoc> {
    const existing = await this.deps.plans.findOne({ code: FREE_PLAN_CODE }).lean()
    if (existing) return existing
    try {
      await this.deps.plans.create({
        code: FREE_PLAN_CODE,
        name: 'Free',
        description: 'Every store starts here.',
        amount: 0,
        currency: 'NGN',
        commissionRateBps: FREE_PLAN_DEFAULTS.commissionRateBps,
        productLimit: FREE_PLAN_DEFAULTS.productLimit ?? undefined,
        featured: FREE_PLAN_DEFAULTS.featured,
        status: 'active',
      })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    return this.doc(FREE_PLAN_CODE)
  }

  /** The plan a Paystack plan code bills; null when it is none of ours. */
  async byPaystackCode(paystackPlanCode: string): Promise<PlanDoc | null> {
    return this.deps.plans.findOne({ paystackPlanCode }).lean()
  }

  /** A plan row by code (the free tier is created on first use). @throws NotFoundError */
  async doc(code: string): Promise<PlanDoc> {
    const key = code.trim().toLowerCase()
    if (key === FREE_PLAN_CODE) {
      const free = await this.deps.plans.findOne({ code: key }).lean()
      return free ?? this.free()
    }
    const plan = await this.deps.plans.findOne({ code: key }).lean()
    if (!plan) throw new NotFoundError('Plan')
    return plan
  }
}

const planExists = (code: string) =>
  new ConflictError(`A plan with code ${code} exists already`, 'plan_exists')
