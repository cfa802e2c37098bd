/**
 * Every email the marketplace sends, rendered in one place, as HTML and plain text. Templates
 * take plain data and escape everything they interpolate into HTML.
 */
import { type Currency, formatMoney } from '../shared/money.js'

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export interface Block {
  heading: string
  paragraphs: string[]
  action?: { label: string; url: string }
  footer?: string
}

/** The house layout of a mail: heading, paragraphs, an optional button. */
export function layout(subject: string, block: Block): RenderedMail {
  const text = [
    block.heading,
    '',
    ...block.paragraphs.flatMap((p) => [p, '']),
    ...(block.action ? [`${block.action.label}: ${block.action.url}`, ''] : []),
    block.footer ?? 'KlosetStore',
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:560px;margin:auto">
<h2>${escapeHtml(block.heading)}</h2>
${block.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${block.action ? `<p><a href="${escapeHtml(block.action.url)}" style="background:#111;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(block.action.label)}</a></p><p style="font-size:12px;color:#57606a">${escapeHtml(block.action.url)}</p>` : ''}
<p style="font-size:12px;color:#57606a">${escapeHtml(block.footer ?? 'KlosetStore')}</p>
</body></html>`
  return { subject, text, html }
}

/** One store order as order emails show it (orders feature). */
export interface OrderMailSummary {
  orderId: string
  storeName: string
  lines: { title: string; variant: string; quantity: number; lineTotal: number }[]
  subtotal: number
  shipping: number
  total: number
  currency: Currency
}

const orderParagraphs = (o: OrderMailSummary): string[] => [
  `Order ${o.orderId} from ${o.storeName}:`,
  ...o.lines.map(
    (l) =>
      `${l.quantity} × ${l.title}${l.variant ? ` (${l.variant})` : ''}: ${formatMoney(l.lineTotal, o.currency)}`,
  ),
  `Subtotal ${formatMoney(o.subtotal, o.currency)} · shipping ${formatMoney(o.shipping, o.currency)} · total ${formatMoney(o.total, o.currency)}`,
]

export const mailTemplates = {
  verifyEmail: (p: { name: string; link: string; hours: number }) =>
    layout('Confirm your KlosetStore email', {
      heading: `Welcome, ${p.name}`,
      paragraphs: [
        'Confirm your email address to finish creating your KlosetStore account.',
        `The link works once and expires in ${p.hours} hours.`,
      ],
      action: { label: 'Confirm email', url: p.link },
    }),

  signupAttempted: (p: { name: string; loginLink: string; resetLink: string }) =>
    layout('Someone tried to sign up with your email', {
      heading: `Hello ${p.name}`,
      paragraphs: [
        'Someone tried to create a KlosetStore account with this email address, which already has an account.',
        `If it was you, sign in at ${p.loginLink}, or reset your password at ${p.resetLink}.`,
        'If it was not you, you can ignore this message: nothing has changed.',
      ],
    }),

  resetPassword: (p: { name: string; link: string; minutes: number }) =>
    layout('Reset your KlosetStore password', {
      heading: `Hello ${p.name}`,
      paragraphs: [
        'We received a request to reset your password.',
        `The link works once and expires in ${p.minutes} minutes. If you did not ask, ignore this email.`,
      ],
      action: { label: 'Choose a new password', url: p.link },
    }),

  passwordChanged: (p: { name: string }) =>
    layout('Your KlosetStore password was changed', {
      heading: `Hello ${p.name}`,
      paragraphs: [
        'Your password was just changed and every device was signed out.',
        'If this was not you, reset your password at once and contact support.',
      ],
    }),

  accountSuspended: (p: { name: string; reason: string }) =>
    layout('Your KlosetStore account is suspended', {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `Your account has been suspended. Reason: ${p.reason}`,
        'Reply to this email to appeal.',
      ],
    }),

  accountReinstated: (p: { name: string }) =>
    layout('Your KlosetStore account is active again', {
      heading: `Hello ${p.name}`,
      paragraphs: ['Your account has been reinstated. You can sign in again.'],
    }),

  storeApproved: (p: { name: string; storeName: string; link: string }) =>
    layout(`Your store ${p.storeName} is approved`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `Good news: ${p.storeName} is approved and open on KlosetStore.`,
        'Your approved products are now visible to buyers.',
      ],
      action: { label: 'View your store', url: p.link },
    }),

  storeRejected: (p: { name: string; storeName: string; reason: string }) =>
    layout(`Your store ${p.storeName} was not approved`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `We could not approve ${p.storeName}. Reason: ${p.reason}`,
        'Edit your store details to send it for review again.',
      ],
    }),

  storeSuspended: (p: { name: string; storeName: string; reason: string }) =>
    layout(`Your store ${p.storeName} is suspended`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `${p.storeName} has been suspended and its products are hidden from buyers. Reason: ${p.reason}`,
        'Reply to this email to appeal.',
      ],
    }),

  storeReinstated: (p: { name: string; storeName: string }) =>
    layout(`Your store ${p.storeName} is open again`, {
      heading: `Hello ${p.name}`,
      paragraphs: [`The suspension of ${p.storeName} has been lifted; buyers can see it again.`],
    }),

  storeClosed: (p: { name: string; storeName: string; reason?: string }) =>
    layout(`Your store ${p.storeName} is closed`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `${p.storeName} has been closed on KlosetStore.${p.reason ? ` Reason: ${p.reason}` : ''}`,
        'Reply to this email if you have questions.',
      ],
    }),

  productApproved: (p: { storeName: string; title: string }) =>
    layout(`Your product "${p.title}" is live`, {
      heading: `Good news, ${p.storeName}`,
      paragraphs: [`"${p.title}" was approved and buyers can now find it on KlosetStore.`],
    }),

  productRejected: (p: { storeName: string; title: string; reason: string }) =>
    layout(`Your product "${p.title}" was not approved`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        `"${p.title}" was not approved. Reason: ${p.reason}`,
        'Edit the product and submit it again when it is ready.',
      ],
    }),

  productRevisionApproved: (p: { storeName: string; title: string }) =>
    layout(`Your changes to "${p.title}" are live`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [`The changes you made to "${p.title}" were approved; buyers now see them.`],
    }),

  productRevisionRejected: (p: { storeName: string; title: string; reason: string }) =>
    layout(`Your changes to "${p.title}" were not approved`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        `Your changes to "${p.title}" were not approved, so buyers keep seeing the previous version. Reason: ${p.reason}`,
      ],
    }),

  lowStock: (p: {
    storeName: string
    title: string
    sku: string
    stock: number
    threshold: number
  }) =>
    layout(`Low stock: ${p.title} (${p.sku})`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        `Only ${p.stock} left of ${p.title} (SKU ${p.sku}); your alert level is ${p.threshold}.`,
        'Restock it in your seller dashboard so buyers can keep ordering.',
      ],
    }),

  orderConfirmed: (p: {
    name: string
    reference: string
    orders: OrderMailSummary[]
    total: number
    currency: Currency
  }) =>
    layout(`Your KlosetStore order is confirmed (${p.reference})`, {
      heading: `Thank you, ${p.name}`,
      paragraphs: [
        `We received your payment of ${formatMoney(p.total, p.currency)}. Each store ships its part of your order separately:`,
        ...p.orders.flatMap(orderParagraphs),
      ],
    }),

  orderReceived: (p: { storeName: string; order: OrderMailSummary; shipTo: string }) =>
    layout(`New order ${p.order.orderId} to ship`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        'A buyer paid for an order from your store. Pack it and mark it shipped with the carrier and tracking number.',
        ...orderParagraphs(p.order),
        `Ship to: ${p.shipTo}`,
      ],
    }),

  orderUpdated: (p: { name: string; order: OrderMailSummary; headline: string; detail?: string }) =>
    layout(`Order ${p.order.orderId}: ${p.headline}`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `Order ${p.order.orderId}: ${p.headline}.`,
        ...(p.detail ? [p.detail] : []),
        ...orderParagraphs(p.order),
      ],
    }),

  refundProcessed: (p: { name: string; order: OrderMailSummary; amount: number }) =>
    layout(`Refund of ${formatMoney(p.amount, p.order.currency)} for order ${p.order.orderId}`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `We refunded ${formatMoney(p.amount, p.order.currency)} to the card or account you paid with. Banks usually show it within a few working days.`,
        ...orderParagraphs(p.order),
      ],
    }),

  payoutAccountChanged: (p: {
    name: string
    storeName: string
    bankName: string
    last4: string
    heldUntil?: string
  }) =>
    layout('Your KlosetStore payout account was changed', {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `Payouts for ${p.storeName} will now go to ${p.bankName}, account ending ${p.last4}.`,
        ...(p.heldUntil
          ? [`For your safety, no payout is sent before ${p.heldUntil} (Lagos time).`]
          : []),
        'If you did not make this change, reset your password at once and contact support.',
      ],
    }),

  payoutPaid: (p: { storeName: string; amount: string; bankName: string; last4: string }) =>
    layout(`Payout of ${p.amount} sent`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        `We paid ${p.amount} to your ${p.bankName} account ending ${p.last4}.`,
        'Your seller dashboard lists the orders this payout covers.',
      ],
    }),

  payoutFailed: (p: { storeName: string; amount: string; reason: string }) =>
    layout(`Payout of ${p.amount} did not go through`, {
      heading: `Hello ${p.storeName}`,
      paragraphs: [
        `Your payout of ${p.amount} could not be completed: ${p.reason}`,
        'The money is back in your available balance. Check your payout account details; we will send it again.',
      ],
    }),

  /** A chat message waits for an offline recipient; never the message text (docs/chat.md). */
  chatMessageWaiting: (p: { name: string; from: string; link: string; minutes: number }) =>
    layout(`New message from ${p.from} on KlosetStore`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `${p.from} sent you a message. Open the conversation to read and answer it: ${p.link}`,
        `We email at most once every ${p.minutes} minutes per conversation. You can turn these emails off in your notification preferences (type "chat").`,
      ],
    }),
  /** A step of a dispute case, to its buyer or its seller (disputes). */
  disputeUpdated: (p: {
    name: string
    disputeId: string
    orderId: string
    headline: string
    detail: string
  }) =>
    layout(`Dispute on order ${p.orderId}: ${p.headline}`, {
      heading: `Hello ${p.name}`,
      paragraphs: [
        `Dispute ${p.disputeId} on order ${p.orderId}: ${p.headline}.`,
        p.detail,
        'Open the dispute in the app to read the evidence and answer.',
      ],
    }),
} satisfies Record<string, (params: never) => RenderedMail>

export type MailTemplateName = keyof typeof mailTemplates
