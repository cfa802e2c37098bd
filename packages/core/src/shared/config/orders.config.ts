import { z } from 'zod'
import type { Env } from '../config.js'
import { emptyToUndefined } from './fields.js'

/** The orders' clocks: the payment window, automatic delivery, the return window. */
export const ordersEnv = {
  /** How long a checkout holds stock for payment; at most a day, the longest reservation. */
  ORDER_RESERVATION_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
  ),
  /** A shipped order counts as delivered after this many days. */
  ORDER_AUTO_DELIVER_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(365).default(14),
  ),
  /** Days a delivered order stays open for returns before the seller's share is released. */
  ORDER_RETURN_WINDOW_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(365).default(7),
  ),
}

/** Order lifecycle clocks; create-core turns them into the orders services' timers. */
export interface OrderSettings {
  /** ORDER_RESERVATION_MINUTES: the payment window, during which the stock is held. */
  reservationMinutes: number
  /** ORDER_AUTO_DELIVER_DAYS: shipped orders count as delivered after this. */
  autoDeliverDays: number
  /** ORDER_RETURN_WINDOW_DAYS: delivered orders complete after this. */
  returnWindowDays: number
}

export function ordersOf(env: Env): OrderSettings {
  return {
    reservationMinutes: env.ORDER_RESERVATION_MINUTES,
    autoDeliverDays: env.ORDER_AUTO_DELIVER_DAYS,
    returnWindowDays: env.ORDER_RETURN_WINDOW_DAYS,
  }
}
