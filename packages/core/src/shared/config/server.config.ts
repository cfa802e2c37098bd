import { resolve } from 'node:path'
import { z } from 'zod'
import type { Env } from '../config.js'
import { emptyToUndefined, optional, originList, url } from './fields.js'

/** The server itself: its mode, port, addresses, data directory and log level; browser access. */
export const serverEnv = {
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'production', 'test']).default('development'),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  PUBLIC_URL: optional(url(['http:', 'https:'])),
  /** A separate storefront: links in emails and the Paystack return go there (docs/pages.md). */
  APP_URL: optional(url(['http:', 'https:'])),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Comma-separated browser origins allowed to call the API (CORS); unset: no CORS headers. */
  CORS_ALLOWED_ORIGINS: optional(originList),
  /** Comma-separated origins allowed to open the WebSocket; unset: CORS_ALLOWED_ORIGINS, or any. */
  WS_ALLOWED_ORIGINS: optional(originList),
}

/** Browser access to the API; docs/configuration.md. */
export interface CorsSettings {
  /** CORS_ALLOWED_ORIGINS: origins that get CORS headers; unset, none do (same origin only). */
  allowedOrigins?: string[]
}

/** The WebSocket endpoint; docs/realtime.md. */
export interface RealtimeSettings {
  /** WS_ALLOWED_ORIGINS (default CORS_ALLOWED_ORIGINS): origins allowed to upgrade; unset, any. */
  allowedOrigins?: string[]
}

/** NODE_ENV, PORT, PUBLIC_URL (default `http://localhost:PORT`), APP_URL, DATA_DIR (absolute). */
export function serverOf(env: Env) {
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    ...(env.APP_URL ? { appUrl: env.APP_URL.replace(/\/$/, '') } : {}),
    dataDir: resolve(env.DATA_DIR),
  }
}

/** CORS_ALLOWED_ORIGINS and WS_ALLOWED_ORIGINS (which defaults to the former). */
export function browserAccessOf(env: Env): { realtime: RealtimeSettings; cors: CorsSettings } {
  return {
    realtime:
      (env.WS_ALLOWED_ORIGINS ?? env.CORS_ALLOWED_ORIGINS)
        ? { allowedOrigins: env.WS_ALLOWED_ORIGINS ?? env.CORS_ALLOWED_ORIGINS }
        : {},
    cors: env.CORS_ALLOWED_ORIGINS ? { allowedOrigins: env.CORS_ALLOWED_ORIGINS } : {},
  }
}
