export { type Api, allRoutes, apiDocument, type ConnectionInfo, createApi } from './api.js'
export { createHttpApp, type HostOptions } from './host/express.js'
export type { RouteDef } from './http/route.js'
export { type RunningServer, startServer } from './server.js'
