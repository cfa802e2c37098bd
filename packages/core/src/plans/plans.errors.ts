/** The error codes of plans and subscriptions: see docs/api.md, "Error codes". */
export const plansErrorCodes = [
  'already_subscribed',
  'free_plan',
  'no_saved_card',
  'not_subscribed',
  'plan_archived',
  'plan_exists',
  'same_plan',
] as const
