import { ContractChecker } from './contract.js'

/**
 * The way tests talk HTTP to a live KlosetStore server (started in-process with `startServer`,
 * spawned by `npm start`, replayed from the Dockerfile, or under Deno): every answer is held to
 * the OpenAPI document that same server serves, as `createTestApi` does in-process. The guard in
 * unchecked-http.test.ts fails any test file that reaches the API with a bare `fetch`.
 */

const checkers = new Map<string, Promise<ContractChecker>>()

/** The checker of the server at `origin`, loaded once from its `/api/v1/openapi.json`. */
function checkerOf(origin: string): Promise<ContractChecker> {
  let checker = checkers.get(origin)
  if (!checker) {
    checker = ContractChecker.served(origin)
    // A server that was not up yet is asked again next time, not remembered as broken.
    checker.catch(() => checkers.delete(origin))
    checkers.set(origin, checker)
  }
  return checker
}

/**
 * `fetch`, then the answer checked against the served document (its body read from a clone, so
 * the caller reads the response as usual).
 * @throws ContractViolation when the answer breaks the document.
 */
export async function checkedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input))
  // Asked before the call: a server shutting down after answering still gets its answer checked.
  const checker = await checkerOf(url.origin).catch(() => undefined)
  const response = await fetch(url, init)
  const text = await response.clone().text()
  await checkAnswer(url.origin, init.method ?? 'GET', url.pathname, response.status, text, {
    contentType: response.headers.get('content-type') ?? undefined,
    checker,
  })
  return response
}

/**
 * Checks an answer obtained some other way (a raw `node:http` request that streams its body in
 * chunks) against the document served at `origin`.
 * @throws ContractViolation when the answer breaks the document.
 */
export async function checkAnswer(
  origin: string,
  method: string,
  path: string,
  status: number,
  text: string,
  options: { contentType?: string; checker?: ContractChecker } = {},
): Promise<void> {
  const checker = options.checker ?? (await checkerOf(origin))
  checker.check(method, path, status, parsed(text, options.contentType), options.contentType)
}

/** JSON answers as values, anything else as its text (the checker holds it to its media type). */
function parsed(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined
  if (contentType && !/^application\/(.+\+)?json/i.test(contentType)) return text
  return JSON.parse(text)
}
