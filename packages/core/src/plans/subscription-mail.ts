import type { People } from '../accounts/people.port.js'
import type { MailService } from '../mail/mail.service.js'
import { layout, type RenderedMail } from '../mail/templates.js'
import { systemCtx } from '../shared/ctx.js'
import type { Logger } from '../shared/logger.js'
import type { StoreLookup } from '../stores/store.types.js'

const day = (date: Date) => date.toISOString().slice(0, 10)

/**
 * The seller's mail about their plan: renewal failed (and each reminder of the grace period),
 * back on the free tier. Sent right after the status change it reports; never throws.
 */
export class SubscriptionMail {
  constructor(
    private deps: {
      stores: Pick<StoreLookup, 'getStore'>
      people: People
      mail: MailService
      logger: Logger
      publicUrl: string
    },
  ) {}

  /** A renewal failed: the n-th reminder (1 = at the failure) before `graceUntil`. */
  async renewalFailed(storeId: string, p: { plan: string; graceUntil: Date; reminder: number }) {
    await this.tell(storeId, (storeName) =>
      layout(
        p.reminder === 1
          ? `Your ${p.plan} plan renewal failed`
          : `Reminder: your ${p.plan} plan ends on ${day(p.graceUntil)}`,
        {
          heading: `Hello ${storeName}`,
          paragraphs: [
            `We could not charge your card for the ${p.plan} plan.`,
            `Your plan stays in force until ${day(p.graceUntil)}. Update your card or pay before then, or your store moves to the free tier (products over its limit are hidden, nothing is deleted).`,
          ],
          action: { label: 'Manage your plan', url: `${this.deps.publicUrl}/seller/plan` },
        },
      ),
    )
  }

  /** The store fell back to the free tier. */
  async backOnFree(storeId: string, p: { plan: string; hidden: number }) {
    await this.tell(storeId, (storeName) =>
      layout('Your store is on the free tier', {
        heading: `Hello ${storeName}`,
        paragraphs: [
          `Your ${p.plan} plan has ended and your store is now on the free tier.`,
          p.hidden > 0
            ? `${p.hidden} product(s) over the free tier's limit are hidden from buyers. They are kept: choose a plan again to show them.`
            : 'All your products stay visible.',
        ],
        action: { label: 'See plans', url: `${this.deps.publicUrl}/seller/plan` },
      }),
    )
  }

  private async tell(storeId: string, render: (storeName: string) => RenderedMail) {
    try {
      const store = await this.deps.stores.getStore(storeId)
      const owner = await this.deps.people
        .get(systemCtx('plans'), store.ownerId)
        .catch(() => undefined)
      await this.deps.mail.send(owner?.email ?? store.contactEmail, render(store.name))
    } catch (error) {
      this.deps.logger.error({ err: error, storeId }, 'subscription mail not sent')
    }
  }
}
