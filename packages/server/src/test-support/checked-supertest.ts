import type { Express } from 'express'
import request, { type Response, type Test } from 'supertest'
import type { Api } from '../api.js'
import { ContractChecker } from './contract.js'

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete'

/**
 * supertest against the Express host, each answer held to the OpenAPI document of `api` (the
 * API the host serves), as `createTestApi` does for in-process calls.
 */
export async function checkedRequest(
  app: Express,
  api: Api,
): Promise<Record<Verb, (path: string) => Test>> {
  const checker = await ContractChecker.of(api)
  const verb =
    (name: Verb) =>
    (path: string): Test =>
      request(app)
        [name](path)
        .expect((res: Response) => {
          const type = res.headers['content-type'] as string | undefined
          const json = !type || /^application\/json/i.test(type)
          const body = json ? (res.text ? res.body : undefined) : res.text
          checker.check(
            name.toUpperCase(),
            new URL(path, 'http://localhost').pathname,
            res.status,
            body,
            type,
          )
        })
  return {
    get: verb('get'),
    post: verb('post'),
    put: verb('put'),
    patch: verb('patch'),
    delete: verb('delete'),
  }
}
