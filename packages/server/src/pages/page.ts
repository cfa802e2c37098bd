import { isAppError, readCapped } from '@kloset/core'
import { statusOf } from '../http/respond.js'
import type { Handler, HttpMethod, RouteDef } from '../http/route.js'
import { html, pageResponse } from './html.js'

/** Bodies of the pages' forms are a few fields: anything bigger is not one of ours. */
const MAX_FORM_BYTES = 8 * 1024

/**
 * Reads an `application/x-www-form-urlencoded` body and keeps only `names` (other fields are
 * dropped, so the strict schemas see exactly what the form has).
 */
export async function formFields(
  request: Request,
  names: readonly string[],
): Promise<Record<string, string | undefined>> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) return {}
  // Over the cap, the form is treated as empty (as before), but no more of it is read.
  const bytes = await readCapped(request.body, MAX_FORM_BYTES).catch((error: unknown) => {
    if (isAppError(error) && error.kind === 'too_large') return undefined
    throw error
  })
  if (!bytes) return {}
  const form = new URLSearchParams(new TextDecoder().decode(bytes))
  return Object.fromEntries(names.map((name) => [name, form.get(name) ?? undefined]))
}

/**
 * A page: a route the API router matches but the OpenAPI document leaves out. Errors become a
 * page (never the JSON envelope): the service's message, the matching status, and the request
 * id for anything unexpected.
 */
export function page(method: HttpMethod, path: string, handler: Handler): RouteDef {
  return {
    method,
    path,
    auth: 'public',
    tag: 'Pages',
    summary: `${method} ${path} (page)`,
    responses: {},
    async handler(request, context) {
      try {
        return await handler(request, context)
      } catch (error) {
        if (isAppError(error) && error.kind !== 'unavailable') {
          const title =
            error.code === 'invalid_token' ? 'This link has expired' : 'That did not work'
          const advice =
            error.code === 'invalid_token'
              ? html`<p>Links work once, and only for a while. <a href="/forgot-password">Ask for a new password link</a>, or sign in to the app to send a new confirmation email.</p>`
              : ''
          return pageResponse({
            title,
            status: statusOf[error.kind],
            body: html`<p class="error" role="alert">${error.message.replace(/\.$/, '')}.</p>${advice}`,
          })
        }
        context.core.logger.error(
          { err: error, requestId: context.ctx.requestId, path },
          'page failed',
        )
        return pageResponse({
          title: 'Something went wrong',
          status: isAppError(error) ? statusOf[error.kind] : 500,
          body: html`<p class="error" role="alert">Something went wrong on our side. Please try again in a minute.</p><p class="hint">Reference: ${context.ctx.requestId}</p>`,
        })
      }
    },
  }
}
