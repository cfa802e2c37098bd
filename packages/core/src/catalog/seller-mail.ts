import type { MailRecipient } from '../mail/mail.service.js'
import { systemCtx } from '../shared/ctx.js'
import type { StoreOwners } from '../stores/store.service.js'
import type { StoreDTO } from '../stores/store.types.js'

/** Where catalog mail for a store goes: its owner's account, else the store's contact address. */
export async function sellerAddress(owners: StoreOwners, store: StoreDTO): Promise<MailRecipient> {
  const owner = await owners.get(systemCtx('catalog.mail'), store.ownerId).catch(() => undefined)
  return { email: owner?.email ?? store.contactEmail, userId: store.ownerId }
}
