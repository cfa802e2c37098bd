/** Test helpers shared by every package's tests (`@kloset/core/testing`); never shipped. */

export { freePort } from '@kloset/embedded-db'
export * from './catalog-builders.js'
export * from './cloudinary-standin.js'
export * from './harness.js'
export * from './image-fixtures.js'
export * from './order-builders.js'
export * from './payout-builders.js'
export * from './product-image-slots.fake.js'
export * from './redis-server.js'
export * from './smtp-server.js'
export * from './suite.js'
