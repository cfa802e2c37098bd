import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { execForm, parseDockerfile } from '../test-support/dockerfile-replay.js'

/**
 * render.yaml and railway.json against subsets of their platforms' published schemas (written
 * by hand, see each schema's $comment: no internet here), and against each other and the
 * Dockerfile: one health route, one start command, secrets never in the file.
 */
const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const read = (path: string) => readFileSync(`${repo}${path}`, 'utf8')
const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`./schemas/${name}`, import.meta.url), 'utf8')) as object

const ajv = new Ajv({ allErrors: true, strict: false })
const renderValid = ajv.compile(schema('render.schema.json'))
const railwayValid = ajv.compile(schema('railway.schema.json'))

type RenderService = {
  type: string
  name: string
  healthCheckPath?: string
  envVars?: { key: string; sync?: boolean; value?: unknown; fromService?: { name: string } }[]
}
const render = parse(read('render.yaml')) as { services: RenderService[] }
const railway = JSON.parse(read('railway.json')) as {
  deploy: { startCommand: string; healthcheckPath: string; drainingSeconds: number }
}
const runtime = parseDockerfile(read('Dockerfile')).find((s) => s.name === 'runtime')!
const instruction = (keyword: string) => runtime.instructions.find((i) => i.keyword === keyword)!

const SECRETS = [
  'MONGODB_URI',
  'SMTP_URL',
  'PAYSTACK_SECRET_KEY',
  'PAYOUT_ENCRYPTION_KEY',
  'CLOUDINARY_URL',
  'PUBLIC_URL',
]

describe('render.yaml', () => {
  it('passes the Blueprint schema', () => {
    expect(renderValid(render) ? [] : renderValid.errors).toEqual([])
  })

  it('fails the schema with a misspelt key, so the schema is really checking', () => {
    const web = { ...render.services[0]!, healthcheckPath: '/readyz' }
    expect(renderValid({ services: [web] })).toBe(false)
  })

  it('asks for every secret at creation instead of keeping it in the file', () => {
    const web = render.services.find((s) => s.type === 'web')!
    for (const key of SECRETS) {
      expect([key, web.envVars?.find((v) => v.key === key)?.sync]).toEqual([key, false])
    }
    expect(web.envVars?.find((v) => v.key === 'JWT_SECRET')).toEqual({
      key: 'JWT_SECRET',
      generateValue: true,
    })
  })

  it('wires REDIS_URL from its Key Value instance and leaves PORT to Render', () => {
    const web = render.services.find((s) => s.type === 'web')!
    const keyvalue = render.services.find((s) => s.type === 'keyvalue')!
    expect(web.envVars?.find((v) => v.key === 'REDIS_URL')?.fromService?.name).toBe(keyvalue.name)
    expect(web.envVars?.some((v) => v.key === 'PORT')).toBe(false)
  })
})

describe('railway.json', () => {
  it('passes the config-as-code schema', () => {
    expect(railwayValid(railway) ? [] : railwayValid.errors).toEqual([])
  })

  it('refuses seconds written as strings, as Railway does', () => {
    const stringly = { ...railway, deploy: { ...railway.deploy, drainingSeconds: '15' } }
    expect(railwayValid(stringly)).toBe(false)
  })
})

describe('the platforms and the Dockerfile agree', () => {
  it('on the health route', () => {
    const web = render.services.find((s) => s.type === 'web')!
    expect(web.healthCheckPath).toBe('/readyz')
    expect(railway.deploy.healthcheckPath).toBe('/readyz')
    expect(instruction('HEALTHCHECK').args).toContain('/readyz')
  })

  it('on the start command', () => {
    expect(railway.deploy.startCommand).toBe(execForm(instruction('CMD').args).join(' '))
  })

  it('on a draining time longer than the server needs to stop (10 s)', () => {
    expect(railway.deploy.drainingSeconds).toBeGreaterThan(10)
  })
})
