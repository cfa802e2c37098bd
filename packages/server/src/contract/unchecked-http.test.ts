import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

/**
 * Every answer the test suite gets from the API is held to the OpenAPI document (docs/api.md,
 * "The contract"): in-process through `createTestApi` (`call`, `send`), over the network through
 * `checkedFetch`/`checkAnswer`, through the Express host with `checkedRequest`. This test keeps
 * a new test from reaching the API some other way and bypassing the check.
 */

const packages = fileURLToPath(new URL('../../../', import.meta.url))

/** What a bare `fetch` may reach: the Paystack sandbox and stored files, never the API. */
const NOT_THE_API =
  /^\s*(`\$\{(\w+\.)?sandbox\.url\}|(\w+\.)?authorization_url\b|stored\.url\b|new URL\(.*\bauthorization_url\))/

/** The ways a test file could reach the API without the contract check, line by line. */
export function uncheckedHttp(source: string): string[] {
  const found: string[] = []
  const lineOf = (index: number) => source.slice(0, index).split('\n').length
  for (const call of source.matchAll(/(?<![\w.])fetch\(/g)) {
    const argument = source.slice(call.index + call[0].length, call.index + call[0].length + 120)
    if (!NOT_THE_API.test(argument)) found.push(`${lineOf(call.index)}: bare fetch (checkedFetch)`)
  }
  for (const call of source.matchAll(/\bapi\.fetch\(/g)) {
    found.push(`${lineOf(call.index)}: api.fetch (createTestApi's send)`)
  }
  for (const use of source.matchAll(/from '(supertest|undici|axios|node-fetch|got)'/g)) {
    found.push(`${lineOf(use.index)}: ${use[1]} (checkedRequest or checkedFetch)`)
  }
  const rawNode = /import \{[^}]*\b(request|get)\b[^}]*\} from 'node:https?'/.exec(source)
  if (rawNode && !source.includes('checkAnswer(')) {
    found.push(`${lineOf(rawNode.index)}: node:http request without checkAnswer`)
  }
  return found
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return testFiles(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('tests that talk HTTP to the API', () => {
  it('all go through the contract check', () => {
    // This file names the forbidden calls in its own sample.
    const files = testFiles(packages).filter((file) => file !== fileURLToPath(import.meta.url))
    expect(files.length).toBeGreaterThan(50)
    const offenders = files.flatMap((file) =>
      uncheckedHttp(readFileSync(file, 'utf8')).map(
        (where) => `${relative(packages, file)}:${where}`,
      ),
    )
    expect(offenders).toEqual([])
  })

  it('catches a bare fetch to a server, an in-process api.fetch, supertest and node:http', () => {
    const sample = [
      "import { request } from 'node:http'",
      "import request2 from 'supertest'",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: test source, not a template
      'await fetch(`${server.url}/api/v1/me`)',
      'await http.api.fetch(new Request(url))',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: test source, not a template
      'await fetch(`${pw.sandbox.url}/transfer`)',
    ].join('\n')
    expect(uncheckedHttp(sample)).toEqual([
      '3: bare fetch (checkedFetch)',
      "4: api.fetch (createTestApi's send)",
      '2: supertest (checkedRequest or checkedFetch)',
      '1: node:http request without checkAnswer',
    ])
  })
})
