import type { QueryFilter } from 'mongoose'
import type { Mailer } from '../adapters/mailer.js'
import { op } from '../db/query.js'
import type { NotificationType } from '../notifications/notification.schemas.js'
import { type Clock, systemClock } from '../shared/clock.js'
import type { Logger } from '../shared/logger.js'
import type { MailOutboxDoc, MailOutboxModel, OutboxStatus } from './mail-outbox.model.js'
import type { RenderedMail } from './templates.js'

/** Sending attempts before a mail is marked `failed` (about 3.5 hours of retries). */
export const MAIL_MAX_ATTEMPTS = 10
/** How long one sender may hold a mail before another may try it (a crashed sender's lease). */
const SEND_LEASE_MS = 2 * 60_000

/** A `sending` mail past its lease belongs to a sender that died: it is tried again. */
const DELIVERABLE: OutboxStatus[] = ['pending', 'sending']

/** The wait after the n-th failed attempt: 30 s, doubling, at most an hour. */
export const mailRetryDelayMs = (attempts: number): number =>
  Math.min(30_000 * 2 ** (attempts - 1), 60 * 60_000)

/** Whether a user muted a notification type by email (NotificationsService satisfies it). */
export interface EmailPreferences {
  isMuted(userId: string, type: NotificationType, channel: 'email'): Promise<boolean>
}

/** Someone to mail: their address, and their account when they have one (for preferences). */
export interface MailRecipient {
  email: string
  userId?: string | undefined
}

export interface MailServiceDeps {
  mailer: Mailer
  logger: Logger
  /** Each user's email preferences, honoured by `sendAs`; without them every mail goes. */
  preferences?: EmailPreferences
  /** The outbox; without one (a few tests) mail is sent at once, inside the caller. */
  outbox?: MailOutboxModel
  clock?: Clock
}

/**
 * Sends rendered mail off the request path: `send` stores the mail in the outbox and returns,
 * and delivery runs in the background at once; a failed delivery is retried with backoff by the
 * `deliver-mail` job. A failure never undoes the business action that sent the mail.
 */
export class MailService {
  /** Background work in flight (deliveries, deferred tasks), awaited by `drain`. */
  private inFlight = new Set<Promise<unknown>>()
  private delivering: Promise<number> | undefined

  constructor(private deps: MailServiceDeps) {}

  private get clock(): Clock {
    return this.deps.clock ?? systemClock
  }

  private track<T>(work: Promise<T>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  /** Queues a mail; it is sent in the background, and retried until it goes or fails for good. */
  async send(to: string, mail: RenderedMail): Promise<void> {
    const { outbox } = this.deps
    try {
      if (!outbox) {
        await this.deps.mailer.send({ to, ...mail })
        return
      }
      const queued = await outbox.create({
        to,
        ...mail,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: this.clock.now(),
      })
      // Its first attempt starts now, beside any other; retries are the job's.
      this.track(this.attempt({ _id: queued._id, status: 'pending' }))
    } catch (error) {
      this.deps.logger.error({ err: error, to, subject: mail.subject }, 'mail send failed')
    }
  }

  /**
   * Queues a mail of one notification type, unless its recipient muted that type by email.
   * Unmutable types (security, payment problems) always go; so does the mail when the
   * preferences cannot be read, since a missed mail is worse than an unwanted one.
   */
  async sendAs(type: NotificationType, to: MailRecipient, mail: RenderedMail): Promise<void> {
    const { preferences } = this.deps
    if (to.userId && preferences) {
      const muted = await preferences.isMuted(to.userId, type, 'email').catch((error) => {
        this.deps.logger.warn({ err: error, type }, 'email preferences unreadable; sending')
        return false
      })
      if (muted) return
    }
    await this.send(to.email, mail)
  }

  /**
   * Runs `task` after the caller has answered (work whose duration would tell a caller
   * something, like whether an email has an account). Its errors are logged.
   */
  later(task: () => Promise<void>): void {
    this.track(
      new Promise<void>((done) => setImmediate(done))
        .then(task)
        .catch((error) => this.deps.logger.error({ err: error }, 'deferred mail task failed')),
    )
  }

  /**
   * Sends every outbox mail that is due (retries, and mail whose sender died), one at a time;
   * returns how many were sent. The `deliver-mail` job; calls in one process share one pass.
   */
  deliverDue(): Promise<number> {
    this.delivering ??= (async () => {
      let sent = 0
      for (;;) {
        const now = this.clock.now()
        const outcome = await this.attempt({
          status: op({ $in: DELIVERABLE }),
          nextAttemptAt: op({ $lte: now }),
        })
        if (outcome === 'none') return sent
        if (outcome === 'sent') sent++
      }
    })().finally(() => {
      this.delivering = undefined
    })
    return this.delivering
  }

  /** Claims one mail matching `filter` (compare-and-set, with a lease) and tries to send it. */
  private async attempt(filter: QueryFilter<MailOutboxDoc>): Promise<'sent' | 'retry' | 'none'> {
    const { outbox, mailer, logger } = this.deps
    if (!outbox) return 'none'
    const now = this.clock.now()
    const claimed = await outbox.findOneAndUpdate(
      filter,
      {
        $set: { status: 'sending', nextAttemptAt: new Date(now.getTime() + SEND_LEASE_MS) },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after' },
    )
    if (!claimed) return 'none'
    const { to, subject, text, html } = claimed
    try {
      await mailer.send({ to, subject, text, html })
      await outbox.deleteOne({ _id: claimed._id })
      return 'sent'
    } catch (error) {
      const lastError = (error as Error).message ?? String(error)
      const final = claimed.attempts >= MAIL_MAX_ATTEMPTS
      await outbox.updateOne(
        { _id: claimed._id, status: 'sending' },
        {
          $set: {
            status: final ? 'failed' : 'pending',
            nextAttemptAt: new Date(
              this.clock.now().getTime() + mailRetryDelayMs(claimed.attempts),
            ),
            lastError,
          },
        },
      )
      const log = { err: error, to, subject, attempts: claimed.attempts }
      if (final) logger.error(log, 'mail failed for good; kept in mail_outbox as failed')
      else logger.warn(log, 'mail send failed; will retry')
      return 'retry'
    }
  }

  /** Waits for the background work this process started (before closing the mailer). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight)
  }
}
