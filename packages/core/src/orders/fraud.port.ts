import type { Ctx } from '../shared/ctx.js'

/** What the fraud screen reads of a checkout before anything is written. */
export interface CheckoutScreening {
  orderGroupId: string
  buyerId: string
  /** The client's device id, when the app sends one (checkout body `deviceId`). */
  deviceId?: string
  total: number
  orders: {
    id: string
    storeId: string
    storeOwnerId: string
    storeCreatedAt: string
    lines: { productId: string; unitPrice: number }[]
  }[]
}

/**
 * The fraud feature as orders sees it (implemented by `FraudService`): the checkout asks for a
 * decision, shipping and the release of the seller's share ask whether a case holds the order.
 */
export interface FraudPort {
  /**
   * Decides on a checkout (allow, review, hold, decline) and records the decision.
   * @throws ForbiddenError `checkout_declined` (a neutral message) when it declines.
   */
  screen(ctx: Ctx, checkout: CheckoutScreening): Promise<void>
  /** True while an open `hold` case keeps the order from shipping. */
  shippingHeld(orderId: string): Promise<boolean>
  /** True while an open `review` or `hold` case keeps the seller's share from payout. */
  payoutHeld(orderId: string): Promise<boolean>
}

/**
 * A FraudPort that reaches the fraud service only when called: createCore builds fraud after
 * orders, so the orders get this and the service is looked up once createCore has returned.
 */
export const lateFraudPort = (fraud: () => FraudPort): FraudPort => ({
  screen: (ctx, screening) => fraud().screen(ctx, screening),
  shippingHeld: (orderId) => fraud().shippingHeld(orderId),
  payoutHeld: (orderId) => fraud().payoutHeld(orderId),
})
