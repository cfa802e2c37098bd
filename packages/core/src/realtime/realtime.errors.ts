/** The error codes of WebSocket tickets and channels: see docs/api.md, "Error codes". */
export const realtimeErrorCodes = ['invalid_ticket', 'unknown_channel'] as const
