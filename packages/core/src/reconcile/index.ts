export {
  type ListReconcileItemsQuery,
  listReconcileItemsQuery,
  RECONCILE_ITEM_STATUSES,
  type ReconcileItemStatus,
  type ResolveReconcileItemBody,
  resolveReconcileItemBody,
} from './reconcile.schemas.js'
export {
  EVERY_RUN_KINDS,
  type Mismatch,
  type MismatchKind,
  type ReconcileReport,
  ReconcileService,
} from './reconcile.service.js'
export {
  type FoundMismatch,
  type ReconcileItemDTO,
  ReconcileItems,
  type RecordedRun,
} from './reconcile-items.js'
