import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import sharp from 'sharp'

/**
 * A local stand-in for Cloudinary's Upload API (upload and destroy) and the Admin API's `ping`
 * and `usage` (HTTP Basic api_key:api_secret), speaking the real protocol:
 * signed multipart requests checked exactly as Cloudinary checks them, Cloudinary's response and
 * error shapes. Point the SDK at it with `upload_prefix` (see `CloudinaryImageStore`).
 */
export interface CloudinaryStandin {
  /** The API host to use as `upload_prefix`, e.g. `http://127.0.0.1:53211`. */
  url: string
  /** `cloudinary://<api_key>:<api_secret>@<cloud_name>` for this stand-in. */
  cloudinaryUrl: string
  /** What has been uploaded and not destroyed, by public_id. */
  assets: ReadonlyMap<string, StandinAsset>
  /** Every API call received (method, path, status), for assertions. */
  calls: Array<{ action: string; status: number }>
  close(): Promise<void>
}

export interface StandinAsset {
  publicId: string
  bytes: Buffer
  format: string
  width: number
  height: number
  version: number
}

export interface CloudinaryStandinOptions {
  apiKey: string
  apiSecret: string
  cloudName: string
  /** Clock for timestamp freshness; defaults to the real time (the SDK signs with Date.now()). */
  now?: () => Date
}

const STALE_AFTER_SECONDS = 3600
const UNSIGNED_PARAMS = new Set(['file', 'cloud_name', 'resource_type', 'api_key', 'signature'])

/**
 * Cloudinary's string to sign: every non-empty param except file, cloud_name, resource_type and
 * api_key, sorted by name, `k=v` joined with `&`; version 2 escapes `&` inside each pair.
 */
export function cloudinaryStringToSign(params: Record<string, string>, version: 1 | 2 = 2): string {
  return Object.entries(params)
    .filter(([key, value]) => !UNSIGNED_PARAMS.has(key) && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => {
      const pair = `${key}=${value}`
      return version === 2 ? pair.replace(/&/g, '%26') : pair
    })
    .join('&')
}

/** Hex SHA-1 (or SHA-256) of the string to sign followed by the API secret. */
export function cloudinarySignature(
  toSign: string,
  apiSecret: string,
  algorithm: 'sha1' | 'sha256' = 'sha1',
): string {
  return createHash(algorithm)
    .update(toSign + apiSecret)
    .digest('hex')
}

class CloudinaryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const sameHex = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

interface ParsedBody {
  params: Record<string, string>
  file?: Buffer
}

async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  const type = request.headers['content-type'] ?? ''
  const params: Record<string, string> = {}
  let file: Buffer | undefined
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData()
    for (const [key, value] of form) {
      if (key === 'file') {
        file = typeof value === 'string' ? dataUri(value) : Buffer.from(await value.arrayBuffer())
      } else if (typeof value === 'string') {
        params[key] = value
      }
    }
  } else if (type.startsWith('application/json')) {
    for (const [key, value] of Object.entries(
      JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
    )) {
      if (key === 'file' && typeof value === 'string') file = dataUri(value)
      else if (value !== null && value !== undefined)
        params[key] = Array.isArray(value) ? value.join(',') : String(value)
    }
  } else {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
      if (key === 'file') file = dataUri(value)
      else params[key] = value
    }
  }
  return file ? { params, file } : { params }
}

function dataUri(value: string): Buffer {
  const match = /^data:[^;,]*;base64,(.*)$/s.exec(value)
  if (!match) throw new CloudinaryError(400, 'Remote files are not supported by the stand-in')
  return Buffer.from(match[1] ?? '', 'base64')
}

const randomPublicId = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('')
}

/** Starts the stand-in on a free loopback port. */
export async function startCloudinaryStandin(
  options: CloudinaryStandinOptions,
): Promise<CloudinaryStandin> {
  const { apiKey, apiSecret, cloudName } = options
  const now = options.now ?? (() => new Date())
  const assets = new Map<string, StandinAsset>()
  const calls: CloudinaryStandin['calls'] = []
  let base = ''

  function authenticate(params: Record<string, string>): void {
    const key = params.api_key
    if (!key) throw new CloudinaryError(401, 'Must supply api_key')
    if (key !== apiKey) throw new CloudinaryError(401, `Unknown API key ${key}`)
    const timestamp = Number(params.timestamp)
    if (!params.timestamp || !Number.isInteger(timestamp)) {
      throw new CloudinaryError(400, 'Missing required parameter - timestamp')
    }
    const nowSeconds = Math.floor(now().getTime() / 1000)
    if (nowSeconds - timestamp > STALE_AFTER_SECONDS) {
      throw new CloudinaryError(
        400,
        `Stale request - reported time is ${new Date(timestamp * 1000).toISOString()} which is more than 1 hour ago`,
      )
    }
    const signature = (params.signature ?? '').toLowerCase()
    const algorithm = signature.length === 64 ? 'sha256' : 'sha1'
    const v2 = cloudinaryStringToSign(params, 2)
    const v1 = cloudinaryStringToSign(params, 1)
    const valid = [v2, v1].some((toSign) =>
      sameHex(signature, cloudinarySignature(toSign, apiSecret, algorithm)),
    )
    if (!valid) {
      throw new CloudinaryError(401, `Invalid Signature ${signature}. String to sign - '${v2}'.`)
    }
  }

  async function upload(body: ParsedBody, resourceType: string): Promise<Record<string, unknown>> {
    authenticate(body.params)
    if (!body.file) throw new CloudinaryError(400, 'Missing required parameter - file')
    let metadata: { format?: string; width?: number; height?: number }
    try {
      metadata = await sharp(body.file, { failOn: 'error' }).metadata()
    } catch {
      throw new CloudinaryError(400, 'Invalid image file')
    }
    if (!metadata.format || !metadata.width || !metadata.height) {
      throw new CloudinaryError(400, 'Invalid image file')
    }
    const { params } = body
    const name = params.public_id || randomPublicId()
    const publicId = params.folder ? `${params.folder.replace(/\/$/, '')}/${name}` : name
    const format = metadata.format === 'jpeg' ? 'jpg' : metadata.format
    const version = Math.floor(now().getTime() / 1000)
    const overwritten = assets.has(publicId)
    assets.set(publicId, {
      publicId,
      bytes: body.file,
      format,
      width: metadata.width,
      height: metadata.height,
      version,
    })
    const path = `${cloudName}/${resourceType}/upload/v${version}/${publicId}.${format}`
    const hex = () => randomBytes(16).toString('hex')
    return {
      asset_id: hex(),
      public_id: publicId,
      version,
      version_id: hex(),
      signature: cloudinarySignature(`public_id=${publicId}&version=${version}`, apiSecret),
      width: metadata.width,
      height: metadata.height,
      format,
      resource_type: resourceType,
      created_at: new Date(version * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tags: [],
      pages: 1,
      bytes: body.file.length,
      type: 'upload',
      etag: createHash('md5').update(body.file).digest('hex'),
      placeholder: false,
      url: `${base}/${path}`,
      secure_url: `${base}/${path}`,
      asset_folder: params.folder ?? '',
      display_name: name,
      original_filename: 'file',
      api_key: apiKey,
      ...(overwritten ? { overwritten: true } : {}),
    }
  }

  function destroy(body: ParsedBody): Record<string, unknown> {
    authenticate(body.params)
    const publicId = body.params.public_id
    if (!publicId) throw new CloudinaryError(400, 'Missing required parameter - public_id')
    return { result: assets.delete(publicId) ? 'ok' : 'not found' }
  }

  /** Why the Admin API refuses these Basic credentials, or nothing when it accepts them. */
  function adminRefusal(header: string | undefined, cloud: string | undefined): string | undefined {
    const basic = /^Basic (.+)$/i.exec(header ?? '')
    if (!basic) return 'Must supply api_key'
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString()
    const colon = decoded.indexOf(':')
    const key = colon < 0 ? decoded : decoded.slice(0, colon)
    const secret = colon < 0 ? '' : decoded.slice(colon + 1)
    if (key !== apiKey) return `Unknown API key ${key}`
    if (!sameHex(secret, apiSecret)) return 'api_secret mismatch'
    if (cloud !== cloudName) return `Invalid cloud_name ${cloud}`
    return undefined
  }

  function adminAnswer(action: string): Record<string, unknown> {
    if (action === 'ping') return { status: 'ok' }
    return {
      plan: 'Free',
      last_updated: now().toISOString().slice(0, 10),
      credits: { usage: 1.25, limit: 25, used_percent: 5 },
      resources: assets.size,
      derived_resources: 0,
      requests: calls.length,
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://standin').pathname
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify(body))
    }
    const api = /^\/v1_1\/([^/]+)\/(image|raw|video|auto)\/(upload|destroy)$/.exec(path)
    if (request.method === 'POST' && api) {
      const [, cloud, resourceType = 'image', action = 'upload'] = api
      let status = 200
      try {
        if (cloud !== cloudName) throw new CloudinaryError(401, `Invalid cloud_name ${cloud}`)
        const body = await readBody(request)
        send(200, action === 'upload' ? await upload(body, resourceType) : destroy(body))
      } catch (error) {
        status = error instanceof CloudinaryError ? error.status : 500
        send(status, {
          error: { message: error instanceof Error ? error.message : 'Server error' },
        })
      }
      calls.push({ action, status })
      return
    }
    // The Admin API's ping and usage, as `kloset doctor` calls them: HTTP Basic api_key:api_secret.
    const admin = /^\/v1_1\/([^/]+)\/(ping|usage)$/.exec(path)
    if (request.method === 'GET' && admin) {
      const [, cloud, action = 'ping'] = admin
      const refusal = adminRefusal(request.headers.authorization, cloud)
      const status = refusal ? 401 : 200
      send(status, refusal ? { error: { message: refusal } } : adminAnswer(action))
      calls.push({ action, status })
      return
    }
    // Delivery, so URLs the stand-in hands out can be fetched in tests.
    const delivery = new RegExp(`^/${cloudName}/image/upload/v\\d+/(.+)\\.[a-z]+$`).exec(path)
    const asset = request.method === 'GET' && delivery ? assets.get(delivery[1] ?? '') : undefined
    if (asset) {
      response.writeHead(200, {
        'content-type': `image/${asset.format === 'jpg' ? 'jpeg' : asset.format}`,
      })
      response.end(asset.bytes)
      return
    }
    send(404, { error: { message: 'Resource not found' } })
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  base = `http://127.0.0.1:${port}`
  return {
    url: base,
    cloudinaryUrl: `cloudinary://${apiKey}:${apiSecret}@${cloudName}`,
    assets,
    calls,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
