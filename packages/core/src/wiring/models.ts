import type { Connection } from 'mongoose'
import { createIpBlockModel } from '../abuse/ip-block.model.js'
import { createOneTimeTokenModel, createRefreshTokenModel } from '../accounts/token.model.js'
import { createUserModel } from '../accounts/user.model.js'
import { createAuditModel } from '../audit/audit.model.js'
import { createProductModel } from '../catalog/product.model.js'
import { createReservationModel } from '../catalog/reservation.model.js'
import { createStockMovementModel } from '../catalog/stock-movement.model.js'
import { createVariantModel } from '../catalog/variant.model.js'
import {
  createConversationModel,
  createMessageModel,
  createUploadModel,
} from '../chat/chat.model.js'
import { createDisputeModel } from '../disputes/dispute.model.js'
import { createEventLogModel } from '../events/event-log.model.js'
import { createFraudModels } from '../fraud/fraud.model.js'
import { createJournalModel } from '../ledger/ledger.model.js'
import { createMailOutboxModel } from '../mail/mail-outbox.model.js'
import {
  createInboxStateModel,
  createNotificationModel,
} from '../notifications/notification.model.js'
import { createCartModel } from '../orders/cart.model.js'
import { createIdempotencyKeyModel } from '../orders/idempotency.model.js'
import { createOrderGroupModel, createOrderModel } from '../orders/order.model.js'
import { createPurchaseLineModel, createPurchaseLogStateModel } from '../orders/purchase-log.js'
import { createRefundModel } from '../orders/refund.model.js'
import { createPaymentEventModel } from '../payments/payment-event.model.js'
import { createPayoutModel } from '../payouts/payout.model.js'
import { createPayoutAccountModel } from '../payouts/payout-account.model.js'
import {
  createInvoiceModel,
  createPlanModel,
  createSubscriptionModel,
} from '../plans/plan.model.js'
import {
  createProductViewModel,
  createRecommendationListModel,
} from '../recommendations/recommendation.model.js'
import { createReconcileItemModel } from '../reconcile/reconcile-item.model.js'
import { createStoreModel } from '../stores/store.model.js'
import { createWishlistItemModel } from '../wishlists/wishlist.model.js'

/**
 * Every collection's model, made once per connection: the one list of what the marketplace
 * stores. A feature's factory picks its own models from here (never another feature's).
 */
export function createModels(connection: Connection) {
  return {
    // accounts, audit
    users: createUserModel(connection),
    oneTimeTokens: createOneTimeTokenModel(connection),
    refreshTokens: createRefreshTokenModel(connection),
    audit: createAuditModel(connection),
    // stores, catalog
    stores: createStoreModel(connection),
    products: createProductModel(connection),
    variants: createVariantModel(connection),
    stockMovements: createStockMovementModel(connection),
    reservations: createReservationModel(connection),
    // payments, ledger, orders
    paymentEvents: createPaymentEventModel(connection),
    journals: createJournalModel(connection),
    carts: createCartModel(connection),
    orders: createOrderModel(connection),
    orderGroups: createOrderGroupModel(connection),
    refunds: createRefundModel(connection),
    idempotencyKeys: createIdempotencyKeyModel(connection),
    // events, mail, notifications
    eventLog: createEventLogModel(connection),
    mailOutbox: createMailOutboxModel(connection),
    notifications: createNotificationModel(connection),
    notificationInboxes: createInboxStateModel(connection),
    // disputes, payouts
    disputes: createDisputeModel(connection),
    payoutAccounts: createPayoutAccountModel(connection),
    payouts: createPayoutModel(connection),
    // wishlists, recommendations
    wishlistItems: createWishlistItemModel(connection),
    recommendationLists: createRecommendationListModel(connection),
    productViews: createProductViewModel(connection),
    purchaseLines: createPurchaseLineModel(connection),
    purchaseLogState: createPurchaseLogStateModel(connection),
    // reconciliation
    reconcileItems: createReconcileItemModel(connection),
    // plans
    plans: createPlanModel(connection),
    subscriptions: createSubscriptionModel(connection),
    invoices: createInvoiceModel(connection),
    // chat
    conversations: createConversationModel(connection),
    messages: createMessageModel(connection),
    uploads: createUploadModel(connection),
    // abuse
    ipBlocks: createIpBlockModel(connection),
    /** Trust and safety's collections (decisions, cases, rule sets, overrides, risk models). */
    fraud: createFraudModels(connection),
  }
}

export type Models = ReturnType<typeof createModels>

/** The one model-initialisation pass (indexes, collections), every model at once. */
export async function initModels(models: Models): Promise<void> {
  const { fraud, ...rest } = models
  await Promise.all([...Object.values(rest), ...Object.values(fraud)].map((model) => model.init()))
}
