import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { DoctorCheck, DoctorReport } from '@kloset/core'
import {
  type CloudinaryStandin,
  createTestWorld,
  freePort,
  startCloudinaryStandin,
  type TestWorld,
} from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import Doctor from './doctor.js'

/**
 * `kloset doctor` with CLOUDINARY_URL set, against the local Cloudinary stand-in's Admin API
 * (`GET /v1_1/<cloud>/usage`, HTTP Basic api_key:api_secret), as `upload_prefix` points it there.
 */
const credentials = {
  apiKey: '771823490012345',
  apiSecret: 'doctor-secret-Qw8',
  cloudName: 'kloset-doc',
}
let standin: CloudinaryStandin
let world: TestWorld
beforeAll(async () => {
  standin = await startCloudinaryStandin(credentials)
  world = await createTestWorld()
})
afterAll(async () => {
  await standin.close()
  await world.close()
})

/**
 * The doctor's Cloudinary line for a deployment configured as an operator does it: the
 * CLOUDINARY_URL copied from the console, and the API host (here the stand-in) in
 * CLOUDINARY_UPLOAD_PREFIX.
 */
async function cloudinaryCheck(settings: {
  apiKey: string
  apiSecret: string
  cloudName: string
  uploadPrefix: string
}): Promise<{ check: DoctorCheck; exitCode: number }> {
  const { apiKey, apiSecret, cloudName, uploadPrefix } = settings
  process.env.CLOUDINARY_URL = `cloudinary://${apiKey}:${apiSecret}@${cloudName}`
  process.env.CLOUDINARY_UPLOAD_PREFIX = uploadPrefix
  try {
    const run = await runCommand(world, Doctor, ['--json'])
    const report = (run.json as unknown as { result: DoctorReport }).result
    const check = report.checks.find((c) => c.name === 'cloudinary')!
    return { check, exitCode: run.exitCode }
  } finally {
    delete process.env.CLOUDINARY_URL
    delete process.env.CLOUDINARY_UPLOAD_PREFIX
  }
}

describe('kloset doctor with Cloudinary configured', () => {
  it('accepts working credentials and reports the plan and the credits used', async () => {
    const { check } = await cloudinaryCheck({ ...credentials, uploadPrefix: standin.url })
    expect(check).toEqual({
      name: 'cloudinary',
      status: 'ok',
      detail: 'cloud kloset-doc, credentials accepted, plan Free, 5% of the credits used',
    })
    expect(standin.calls.at(-1)).toEqual({ action: 'usage', status: 200 })
  })

  it('fails a wrong secret with what Cloudinary said and where to copy the URL from', async () => {
    const { check, exitCode } = await cloudinaryCheck({
      ...credentials,
      apiSecret: 'not-the-secret',
      uploadPrefix: standin.url,
    })
    expect(exitCode).toBe(9)
    expect(check.status).toBe('fail')
    expect(check.detail).toBe('Cloudinary answered 401 for cloud kloset-doc: api_secret mismatch')
    expect(check.fix).toContain('into CLOUDINARY_URL')
  })

  it('fails an unknown API key and a cloud name that is not the account’s', async () => {
    const key = await cloudinaryCheck({ ...credentials, apiKey: '1', uploadPrefix: standin.url })
    expect(key.check.detail).toBe('Cloudinary answered 401 for cloud kloset-doc: Unknown API key 1')
    const cloud = await cloudinaryCheck({
      ...credentials,
      cloudName: 'someone-else',
      uploadPrefix: standin.url,
    })
    expect(cloud.check).toMatchObject({
      status: 'fail',
      detail: 'Cloudinary answered 401 for cloud someone-else: Invalid cloud_name someone-else',
    })
  })

  it('fails an unreachable host, naming it and the refused connection', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const { check } = await cloudinaryCheck({ ...credentials, uploadPrefix: closed })
    expect(check.status).toBe('fail')
    expect(check.detail).toBe(`cannot reach ${closed}: ECONNREFUSED`)
    expect(check.fix).toContain(`outbound https from this machine to ${new URL(closed).host}`)
  })
})
