import type { HttpMethod, RouteDef } from './route.js'

export interface Match {
  route: RouteDef
  params: Record<string, string>
}

interface Compiled {
  route: RouteDef
  segments: string[]
}

/**
 * Matches method and path. Static paths are one map lookup; paths with `:params` are compared
 * segment by segment, static segments winning over params at the same position.
 */
export class Router {
  private exact = new Map<string, RouteDef>()
  private dynamic: Compiled[] = []

  constructor(readonly routes: RouteDef[]) {
    for (const route of routes) {
      if (route.path.includes(':')) {
        this.dynamic.push({ route, segments: route.path.split('/') })
      } else {
        this.exact.set(`${route.method} ${route.path}`, route)
      }
    }
    // More static segments first, so /orders/mine wins over /orders/:id.
    const staticCount = (c: Compiled) => c.segments.filter((s) => !s.startsWith(':')).length
    this.dynamic.sort((a, b) => staticCount(b) - staticCount(a))
  }

  match(method: string, path: string): Match | 'method_not_allowed' | undefined {
    const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
    const hit = this.exact.get(`${method} ${normalized}`)
    if (hit) return { route: hit, params: {} }
    const parts = normalized.split('/')
    let pathMatched = false
    for (const candidate of this.dynamic) {
      const params = matchSegments(candidate.segments, parts)
      if (!params) continue
      if (candidate.route.method === method) return { route: candidate.route, params }
      pathMatched = true
    }
    if (pathMatched) return 'method_not_allowed'
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as HttpMethod[]) {
      if (this.exact.has(`${m} ${normalized}`)) return 'method_not_allowed'
    }
    return undefined
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!
    const got = parts[i]!
    if (want.startsWith(':')) {
      if (!got) return undefined
      try {
        params[want.slice(1)] = decodeURIComponent(got)
      } catch {
        return undefined
      }
    } else if (want !== got) {
      return undefined
    }
  }
  return params
}
