/** The error codes of conversations and messages: see docs/api.md, "Error codes". */
export const chatErrorCodes = [
  'already_blocked',
  'already_resolved',
  'conversation_blocked',
  'empty_message',
  'message_blocked',
  'message_too_long',
  'not_your_block',
  'send_in_progress',
  'unknown_attachment',
] as const
