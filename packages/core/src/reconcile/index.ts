export {
  type Mismatch,
  type MismatchKind,
  type ReconcileReport,
  ReconcileService,
} from './reconcile.service.js'
