import type { Principal } from '@kloset/core'
import type { RouteDef } from './route.js'

/** What the host knows about the connection that the web `Request` does not carry. */
export interface ConnectionInfo {
  ip?: string
}

/**
 * What the pipeline knows about one request so far. The host's facts are there from the start;
 * each middleware fills in its own part for the ones after it (and for the log line).
 */
export interface RequestState {
  readonly url: URL
  readonly info: ConnectionInfo
  /** `requestId`: the client's x-request-id when well formed, else a new one. */
  requestId: string
  /** `route`: the matched row and its path parameters. */
  route?: RouteDef
  params: Record<string, string>
  /** `authenticate`: who the bearer token belongs to, when one was sent and is valid. */
  principal?: Principal
}

export type Next = () => Promise<Response>

/** One step of the request pipeline: answers itself, or calls `next` and may shape its answer. */
export interface Middleware {
  readonly name: string
  run(request: Request, state: RequestState, next: Next): Promise<Response>
}

export const middleware = (name: string, run: Middleware['run']): Middleware => ({ name, run })

/**
 * Runs `list` in order, each around the rest (the first is the outermost); the last must answer.
 * @throws Error when every middleware calls `next` and none answers (a wiring mistake).
 */
export function compose(
  list: readonly Middleware[],
): (request: Request, state: RequestState) => Promise<Response> {
  return (request, state) => {
    const at = async (index: number): Promise<Response> => {
      const step = list[index]
      if (!step) throw new Error('The request pipeline ended without an answer')
      return step.run(request, state, () => at(index + 1))
    }
    return at(0)
  }
}

/** The request state as a fresh request enters the pipeline. */
export const initialState = (request: Request, info: ConnectionInfo): RequestState => ({
  url: new URL(request.url),
  info,
  requestId: '',
  params: {},
})
