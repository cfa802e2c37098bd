import type { People } from '../accounts/people.port.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import { systemCtx } from '../shared/ctx.js'
import type { Logger } from '../shared/logger.js'
import { formatMoney } from '../shared/money.js'
import type { StoreDTO, StoreLookup } from '../stores/store.types.js'
import type { PayoutDoc } from './payout.model.js'

/**
 * The seller's mail about their payouts. Called by the transfers right after the status change
 * it reports (not from an event subscriber: the mail is part of the step, and a test or a
 * command sees it sent when the step returns). Never throws: telling the seller must not undo
 * or block a booking that already happened.
 */
export class PayoutMail {
  constructor(
    private deps: {
      stores: Pick<StoreLookup, 'getStore'>
      people: People
      mail: MailService
      logger: Logger
    },
  ) {}

  /** The transfer reached the seller's bank. */
  async paid(doc: PayoutDoc): Promise<void> {
    await this.tellSeller(doc, 'payout', (store) =>
      mailTemplates.payoutPaid({
        storeName: store.name,
        amount: formatMoney(doc.amount, doc.currency),
        bankName: doc.bankName,
        last4: doc.accountNumberLast4,
      }),
    )
  }

  /**
   * The transfer failed or was reversed; its amount is back in the available balance. Money
   * problems are never muted: this one goes as a `payment` mail, whatever the `payout` setting.
   */
  async failed(doc: PayoutDoc, reason: string): Promise<void> {
    await this.tellSeller(doc, 'payment', (store) =>
      mailTemplates.payoutFailed({
        storeName: store.name,
        amount: formatMoney(doc.amount, doc.currency),
        reason,
      }),
    )
  }

  /** Mails the store's owner (the store's contact address if the account is gone). */
  private async tellSeller(
    doc: PayoutDoc,
    type: 'payout' | 'payment',
    render: (store: StoreDTO) => RenderedMail,
  ): Promise<void> {
    try {
      const store = await this.deps.stores.getStore(doc.storeId)
      const owner = await this.deps.people
        .get(systemCtx('payouts'), store.ownerId)
        .catch(() => undefined)
      await this.deps.mail.sendAs(
        type,
        { email: owner?.email ?? store.contactEmail, userId: store.ownerId },
        render(store),
      )
    } catch (error) {
      // Telling the seller must never undo or block the booking that already happened.
      this.deps.logger.error({ err: error, payoutId: String(doc._id) }, 'payout mail not sent')
    }
  }
}
