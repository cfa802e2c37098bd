/*
 * The shapes of what the API sends, one file per area; see common.schemas.ts. This file keeps
 * the one import path the routes and the other contract files use.
 */

export * from './accounts.schemas.js'
export * from './catalog.schemas.js'
export * from './common.schemas.js'
export * from './notifications.schemas.js'
export * from './orders.schemas.js'
export * from './payouts.schemas.js'
export * from './stores.schemas.js'
