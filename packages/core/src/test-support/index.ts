/** Test helpers shared by every package's tests (`@kloset/core/testing`); never shipped. */
export * from './harness.js'
export * from './smtp-server.js'
