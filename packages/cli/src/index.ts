export { KlosetCommand } from './base-command.js'
export { exitCodeOf } from './exit-codes.js'
