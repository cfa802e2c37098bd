/**
 * Every email the marketplace sends, rendered in one place, as HTML and plain text. Templates
 * take plain data and escape everything they interpolate into HTML.
 */
export interface RenderedMail {
  subject: string
  text: string
  html: string
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

interface Block {
  heading: string
  paragraphs: string[]
  action?: { label: string; url: string }
  footer?: string
}

function layout(subject: string, block: Block): RenderedMail {
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
      paragraphs: [`Your account has been suspended. Reason: ${p.reason}`, 'Reply to this email to appeal.'],
    }),

  accountReinstated: (p: { name: string }) =>
    layout('Your KlosetStore account is active again', {
      heading: `Hello ${p.name}`,
      paragraphs: ['Your account has been reinstated. You can sign in again.'],
    }),
} satisfies Record<string, (params: never) => RenderedMail>

export type MailTemplateName = keyof typeof mailTemplates
