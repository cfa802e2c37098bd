export {
  type Channel,
  type ChannelPublication,
  channelsOf,
  onRealtimeEvents,
  parseChannel,
  realtimeRoutes,
} from './channels.js'
export { type RealtimeCommand, realtimeCommand, realtimeCommandId } from './realtime.schemas.js'
export { type RealtimeDeps, RealtimeService, TICKET_TTL_SECONDS } from './realtime.service.js'
