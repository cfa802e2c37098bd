import type { Core } from '@kloset/core'
import { Router } from '../http/router.js'
import { accountPages } from './account.pages.js'
import { appPages } from './app.pages.js'
import { shopPages } from './shop.pages.js'

/**
 * The pages the links the server sends land on, when no storefront (APP_URL) is configured:
 * undefined with APP_URL, because the links then point at the storefront (docs/pages.md).
 */
export function createPages(core: Core): Router | undefined {
  if (core.config.appUrl) return undefined
  return new Router([...accountPages, ...shopPages, ...appPages])
}
