export type { NotificationLink } from './notification.model.js'
export * from './notification.schemas.js'
export {
  type NewNotification,
  type NotificationDTO,
  type NotificationPreferences,
  NotificationsService,
  type UnreadCount,
} from './notifications.service.js'
