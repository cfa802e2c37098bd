import { createTransport } from 'nodemailer'
import type { Core } from '../create-core.js'
import { MARKETPLACE_TIMEZONE } from '../shared/clock.js'

/**
 * `kloset doctor`: checks what a deployment depends on, one line each, and says what to fix.
 * Every check is bounded in time and read-only (nothing is sent, written or charged).
 */
export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface DoctorCheck {
  name: string
  status: CheckStatus
  detail: string
  /** What to do about a warning or a failure. */
  fix?: string
}

export interface DoctorReport {
  /** False when any check failed (warnings do not count). */
  ok: boolean
  checks: DoctorCheck[]
}

const CHECK_TIMEOUT_MS = 5_000

/** Largest clock difference with Paystack before the doctor warns (token expiry, schedules). */
const MAX_SKEW_MS = 30_000

function within<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, fail) =>
      setTimeout(
        () => fail(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      ).unref(),
    ),
  ])
}

const message = (error: unknown): string => (error as Error)?.message ?? String(error)

function configuration(core: Core): DoctorCheck {
  const { config } = core
  const production = config.env === 'production'
  const warnings: string[] = []
  if (production && config.publicUrl.startsWith('http:')) {
    warnings.push('PUBLIC_URL is http: links and Paystack callbacks should be https')
  }
  if (!config.redisUrl) warnings.push('no REDIS_URL: fine for one instance only')
  if (!config.cloudinary) warnings.push('no CLOUDINARY_URL: images are kept on this disk')
  if (!config.smtpUrl) warnings.push('no SMTP_URL: mail is captured to files, nobody receives it')
  return {
    name: 'configuration',
    status: warnings.length ? 'warn' : 'ok',
    detail: `NODE_ENV=${config.env}, PUBLIC_URL=${config.publicUrl}${warnings.length ? `; ${warnings.join('; ')}` : ''}`,
    ...(warnings.length
      ? { fix: 'set the variables named (docs/deploy.md, "What production needs")' }
      : {}),
  }
}

async function database(core: Core): Promise<DoctorCheck> {
  const readiness = await core.health.readiness()
  const check = readiness.checks.database!
  const where = core.engine === 'embedded' ? 'embedded engine' : 'MongoDB (MONGODB_URI)'
  return check.ok
    ? { name: 'database', status: 'ok', detail: `${where}, ping ${check.ms} ms` }
    : {
        name: 'database',
        status: 'fail',
        detail: `${where}: ${check.error}`,
        fix: 'check MONGODB_URI, the database user and the network access list (Atlas)',
      }
}

async function redis(core: Core): Promise<DoctorCheck> {
  if (core.kv.kind !== 'redis') {
    return {
      name: 'redis',
      status: 'ok',
      detail: 'not configured: limits, locks and events in-process',
    }
  }
  const started = performance.now()
  try {
    await within(core.kv.ping(), 'Redis')
    return {
      name: 'redis',
      status: 'ok',
      detail: `PING ${Math.round(performance.now() - started)} ms`,
    }
  } catch (error) {
    return {
      name: 'redis',
      status: 'fail',
      detail: message(error),
      fix: 'check REDIS_URL and that Redis accepts this machine',
    }
  }
}

async function smtp(core: Core): Promise<DoctorCheck> {
  const url = core.config.smtpUrl
  if (!url) {
    return {
      name: 'smtp',
      status: core.config.env === 'production' ? 'fail' : 'ok',
      detail: 'no SMTP_URL: mail is captured under DATA_DIR/mail (kloset mail list)',
      ...(core.config.env === 'production' ? { fix: 'set SMTP_URL' } : {}),
    }
  }
  const transport = createTransport(url)
  try {
    // Connects, says EHLO, starts TLS and logs in when the URL has credentials; sends nothing.
    await within(transport.verify(), 'The SMTP server')
    return { name: 'smtp', status: 'ok', detail: `${new URL(url).host} accepts us` }
  } catch (error) {
    return {
      name: 'smtp',
      status: 'fail',
      detail: message(error),
      fix: 'check SMTP_URL (host, port, smtps:// for 465, user and password)',
    }
  } finally {
    transport.close()
  }
}

/** Paystack answers with our key, in which mode, and how far our clock is from Paystack's. */
async function paystack(core: Core): Promise<{ check: DoctorCheck; serverDate?: Date }> {
  const { paystack, env } = core.config
  const production = env === 'production'
  const modeProblem =
    production && paystack.mode !== 'live'
      ? `a ${paystack.mode} key in production: no real money moves`
      : undefined
  try {
    const response = await within(
      fetch(`${paystack.baseUrl}/bank?country=nigeria&perPage=1`, {
        headers: { authorization: `Bearer ${paystack.secretKey}` },
      }),
      'Paystack',
    )
    const dateHeader = response.headers.get('date')
    const serverDate = dateHeader ? new Date(dateHeader) : undefined
    if (response.status === 401) {
      return {
        check: {
          name: 'paystack',
          status: 'fail',
          detail: `${paystack.baseUrl} refused the ${paystack.mode} key (401)`,
          fix: 'copy the secret key again from the Paystack dashboard into PAYSTACK_SECRET_KEY',
        },
      }
    }
    if (!response.ok) {
      return {
        check: {
          name: 'paystack',
          status: 'fail',
          detail: `${paystack.baseUrl} answered ${response.status}`,
          fix: 'see status.paystack.com; check PAYSTACK_BASE_URL is unset',
        },
      }
    }
    return {
      check: {
        name: 'paystack',
        status: modeProblem ? 'warn' : 'ok',
        detail: `${paystack.mode} key accepted by ${paystack.baseUrl}${modeProblem ? `; ${modeProblem}` : ''}`,
        ...(modeProblem ? { fix: 'use the sk_live_ key in production' } : {}),
      },
      ...(serverDate && !Number.isNaN(serverDate.getTime()) ? { serverDate } : {}),
    }
  } catch (error) {
    return {
      check: {
        name: 'paystack',
        status: 'fail',
        detail: `${paystack.baseUrl}: ${message(error)}`,
        fix: 'check outbound https from this machine (and PAYSTACK_BASE_URL)',
      },
    }
  }
}

async function cloudinary(core: Core): Promise<DoctorCheck> {
  const settings = core.config.cloudinary
  if (!settings) {
    return {
      name: 'cloudinary',
      status: 'ok',
      detail: 'not configured: images on disk under DATA_DIR/media',
    }
  }
  const base = settings.uploadPrefix ?? 'https://api.cloudinary.com'
  const cloud = settings.cloudName
  let response: Response
  try {
    // The Admin API's usage call: read-only, and it proves key, secret and cloud name together.
    response = await within(
      fetch(`${base}/v1_1/${encodeURIComponent(cloud)}/usage`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${settings.apiKey}:${settings.apiSecret}`).toString('base64')}`,
        },
      }),
      'Cloudinary',
    )
  } catch (error) {
    return {
      name: 'cloudinary',
      status: 'fail',
      detail: `cannot reach ${base}: ${causeOf(error)}`,
      fix: `check outbound https from this machine to ${new URL(base).host} (and upload_prefix in CLOUDINARY_URL, if set)`,
    }
  }
  const body = (await response.json().catch(() => undefined)) as CloudinaryUsage | undefined
  if (response.ok) {
    const credits = body?.credits?.used_percent
    const plan = body?.plan ? `, plan ${body.plan}` : ''
    const used = typeof credits === 'number' ? `, ${credits}% of the credits used` : ''
    return {
      name: 'cloudinary',
      status: typeof credits === 'number' && credits >= 90 ? 'warn' : 'ok',
      detail: `cloud ${cloud}, credentials accepted${plan}${used}`,
      ...(typeof credits === 'number' && credits >= 90
        ? { fix: 'raise the Cloudinary plan before uploads are refused' }
        : {}),
    }
  }
  const said = body?.error?.message ? `: ${body.error.message}` : ''
  return {
    name: 'cloudinary',
    status: 'fail',
    detail: `Cloudinary answered ${response.status} for cloud ${cloud}${said}`,
    fix:
      response.status === 401 || response.status === 403
        ? 'copy the API environment variable (cloudinary://<api_key>:<api_secret>@<cloud_name>) from the Cloudinary console again into CLOUDINARY_URL'
        : response.status === 420 || response.status === 429
          ? 'the Admin API rate limit is spent for this hour: run kloset doctor again later'
          : 'Cloudinary is not answering normally: see status.cloudinary.com, then run kloset doctor again',
  }
}

/** What Cloudinary's Admin API `usage` answers (the fields doctor reads). */
interface CloudinaryUsage {
  plan?: string
  credits?: { used_percent?: number }
  error?: { message?: string }
}

/** fetch hides why a connection failed in `cause` ("fetch failed" alone says nothing). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  return cause?.code ?? cause?.message ?? message(error)
}

function clock(core: Core, paystackDate?: Date): DoctorCheck {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  const now = core.clock.now()
  const detail = `now ${now.toISOString()}, machine time zone ${zone}; jobs are scheduled in ${MARKETPLACE_TIMEZONE} whatever the zone`
  if (!paystackDate) return { name: 'clock', status: 'ok', detail }
  // Paystack's Date header has one-second precision: allow for it.
  const skew = Math.abs(now.getTime() - paystackDate.getTime())
  if (skew > MAX_SKEW_MS) {
    return {
      name: 'clock',
      status: 'warn',
      detail: `${detail}; ${Math.round(skew / 1000)} s away from Paystack's clock`,
      fix: 'turn on time synchronisation (timedatectl set-ntp true)',
    }
  }
  return {
    name: 'clock',
    status: 'ok',
    detail: `${detail}; within ${MAX_SKEW_MS / 1000} s of Paystack's clock`,
  }
}

/** Who holds the scheduler's locks now (a job running, or a crashed holder's lease). */
async function schedulerLocks(core: Core): Promise<DoctorCheck> {
  const keys = [...core.jobs.list().map((job) => `job:${job.name}`), 'payouts:run']
  const held: string[] = []
  for (const key of keys) {
    const owner =
      core.kv.kind === 'redis'
        ? await core.kv.get(`lock:${key}`)
        : (
            (await core.connection
              .collection<{ _id: string; owner: string; expiresAt: Date }>('locks')
              .findOne({ _id: key, expiresAt: { $gt: core.clock.now() } })) ?? undefined
          )?.owner
    if (owner) held.push(`${key} by ${owner}`)
  }
  const store = core.kv.kind === 'redis' ? 'Redis' : 'the database'
  return {
    name: 'scheduler locks',
    status: 'ok',
    detail: held.length
      ? `held in ${store}: ${held.join(', ')} (a job is running, or a stopped holder's lease runs out)`
      : `none held (locks live in ${store})`,
  }
}

/** Runs every check; the independent ones at once. */
export async function runDoctor(core: Core): Promise<DoctorReport> {
  const [db, kv, mail, pay, images] = await Promise.all([
    database(core),
    redis(core),
    smtp(core),
    paystack(core),
    cloudinary(core),
  ])
  const locks =
    db.status === 'fail'
      ? { name: 'scheduler locks', status: 'fail' as const, detail: 'database unreachable' }
      : await schedulerLocks(core).catch((error) => ({
          name: 'scheduler locks',
          status: 'fail' as const,
          detail: message(error),
        }))
  const checks = [
    configuration(core),
    db,
    kv,
    mail,
    pay.check,
    images,
    clock(core, pay.serverDate),
    locks,
  ]
  return { ok: checks.every((c) => c.status !== 'fail'), checks }
}
