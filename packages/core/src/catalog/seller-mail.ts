import type { People } from '../accounts/people.port.js'
import type { MailRecipient } from '../mail/mail.service.js'
import { systemCtx } from '../shared/ctx.js'
import type { StoreDTO } from '../stores/store.types.js'

/** Where catalog mail for a store goes: its owner's account, else the store's contact address. */
export async function sellerAddress(people: People, store: StoreDTO): Promise<MailRecipient> {
  const owner = await people.get(systemCtx('catalog.mail'), store.ownerId).catch(() => undefined)
  return { email: owner?.email ?? store.contactEmail, userId: store.ownerId }
}
