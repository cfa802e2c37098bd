import { formatAmount } from './money.format.js'
import type { CustomerRecord, TransactionRecord } from './paystack.types.js'
import { formatCardNumber, TEST_CARDS } from './test-cards.data.js'

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

// Self-contained: no external fonts, scripts or images, so it renders offline.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  background:#eef2f5;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2d3d}
main{width:min(460px,94vw);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(16,24,40,.12);overflow:hidden}
header{padding:20px 24px;background:#011b33;color:#fff}
header .merchant{font-weight:600;font-size:16px}
header .email{opacity:.75;font-size:13px}
header .amount{font-size:28px;font-weight:700;margin-top:8px}
.badge{display:inline-block;margin-top:6px;padding:2px 8px;border-radius:10px;background:#ffb020;color:#011b33;font-size:11px;font-weight:700;letter-spacing:.04em}
section{padding:20px 24px}
fieldset{border:0;margin:0 0 16px;padding:0}
legend{font-weight:600;margin-bottom:8px}
label.card{display:flex;gap:10px;align-items:flex-start;padding:10px 12px;border:1px solid #d5dde5;border-radius:8px;margin-bottom:8px;cursor:pointer}
label.card:hover{border-color:#3bb75e}
label.card input{margin-top:4px}
.number{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-weight:600}
.hint{font-size:12px;color:#5a6b7b}
.actions{display:grid;gap:8px}
button{font:inherit;border:0;border-radius:8px;padding:12px;cursor:pointer;font-weight:600}
.pay{background:#3bb75e;color:#fff;font-size:16px}
.secondary{background:#f1f4f7;color:#1f2d3d}
.danger{background:#fff;color:#c0392b;border:1px solid #e3b5b0}
.result{text-align:center}
.result h1{font-size:20px;margin:8px 0}
.ref{font-family:ui-monospace,monospace;font-size:12px;color:#5a6b7b}
a{color:#0b7a3e}
`

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>${content}</main></body>
</html>`
}

function header(merchantName: string, transaction: TransactionRecord, email: string): string {
  return `<header>
<div class="merchant">${escapeHtml(merchantName)}</div>
<div class="email">${escapeHtml(email)}</div>
<div class="amount" data-testid="amount">${escapeHtml(formatAmount(transaction.amount, transaction.currency))}</div>
<span class="badge">TEST MODE · KLOSET PAYSTACK SANDBOX</span>
</header>`
}

/** The page at `authorization_url`: the test cards and one button per outcome. */
export function checkoutPage(
  merchantName: string,
  transaction: TransactionRecord,
  customer: CustomerRecord,
  notice: string | null,
): string {
  const amount = formatAmount(transaction.amount, transaction.currency)
  const cards = TEST_CARDS.map(
    (card, index) => `<label class="card">
<input type="radio" name="card" value="${card.number}"${index === 0 ? ' checked' : ''}>
<span><span class="number">${formatCardNumber(card.number)}</span><br>
<span class="hint">CVV ${card.cvv}${card.pin ? ` · PIN ${card.pin}` : ''}${card.otp ? ` · OTP ${card.otp}` : ''} · any future expiry — ${escapeHtml(card.label)}</span></span>
</label>`,
  ).join('\n')
  const action = `/checkout/${encodeURIComponent(transaction.accessCode)}`
  return layout(
    `Pay ${amount} to ${merchantName}`,
    `${header(merchantName, transaction, customer.email)}
<section>
${notice ? `<p role="alert" class="hint">${escapeHtml(notice)}</p>` : ''}
<form method="post" action="${action}">
<fieldset>
<legend>Choose a test card</legend>
${cards}
</fieldset>
<div class="actions">
<button class="pay" type="submit" name="action" value="success">Pay ${escapeHtml(amount)}</button>
<button class="secondary" type="submit" name="action" value="decline">Simulate a declined card</button>
<button class="secondary" type="submit" name="action" value="insufficient_funds">Simulate insufficient funds</button>
<button class="danger" type="submit" name="action" value="abandon">Cancel payment</button>
</div>
</form>
<p class="ref">Reference ${escapeHtml(transaction.reference)}</p>
</section>`,
  )
}

/** A page that ends the flow when there is nowhere to redirect to (or nothing left to pay). */
export function resultPage(
  merchantName: string,
  transaction: TransactionRecord,
  customer: CustomerRecord,
  heading: string,
  detail: string,
  retry: boolean,
): string {
  const again = retry
    ? `<p><a href="/checkout/${encodeURIComponent(transaction.accessCode)}">Try another card</a></p>`
    : ''
  return layout(
    heading,
    `${header(merchantName, transaction, customer.email)}
<section class="result">
<h1 data-testid="result">${escapeHtml(heading)}</h1>
<p>${escapeHtml(detail)}</p>
${again}
<p class="ref">Reference ${escapeHtml(transaction.reference)} · status ${escapeHtml(transaction.status)}</p>
</section>`,
  )
}

/** The page for an access code that does not exist. */
export function notFoundPage(): string {
  return layout(
    'Checkout not found',
    `<section class="result"><h1>Checkout not found</h1><p>This payment link is not valid.</p></section>`,
  )
}
