/**
 * The small HTML kit of the server's own pages (docs/pages.md): escaping, one layout, and the
 * response with its own Content-Security-Policy (the pages load nothing from other origins, and
 * the Deno host has no helmet to add one).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML content and double- or single-quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** A piece of markup that is already safe; plain strings passed to `html` are escaped. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

type Part = string | number | Markup | undefined | null | false | readonly Part[]

const render = (part: Part): string => {
  if (part === undefined || part === null || part === false) return ''
  if (part instanceof Markup) return part.value
  if (Array.isArray(part)) return part.map(render).join('')
  return escapeHtml(String(part))
}

/** Tagged template: interpolated values are escaped unless they are `Markup` (nested `html`). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Markup {
  let out = strings[0]!
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1]!
  return new Markup(out)
}

export const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' https: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export interface PageOptions {
  title: string
  body: Markup
  status?: number
  /** Same-origin scripts the page loads (served under /pages/). */
  scripts?: string[]
}

/** One page: a landmark, a heading, the site's stylesheet; everything served from this server. */
export function pageResponse({ title, body, status = 200, scripts = [] }: PageOptions): Response {
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · KlosetStore</title>
<link rel="stylesheet" href="/pages/kloset.css">
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<header><p class="brand">KlosetStore</p></header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`
  return new Response(document.value, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  })
}

/** A static asset of the pages (stylesheet, script), cacheable for an hour. */
export function assetResponse(body: string, contentType: string): Response {
  return new Response(body, {
    headers: {
      'content-type': `${contentType}; charset=utf-8`,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    },
  })
}

/** High contrast, readable sizes, visible focus; no fonts or images from anywhere. */
export const STYLESHEET = `:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--accent:#0b5394;--error:#a4000f;--ok:#0b6b2e}
@media (prefers-color-scheme:dark){:root{--fg:#f2f2f2;--bg:#161616;--accent:#8cc4ff;--error:#ff9a9a;--ok:#7fe3a3}}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:.75rem 1rem;border-bottom:1px solid currentColor}
.brand{margin:0;font-weight:700}
main{max-width:40rem;margin:0 auto;padding:1rem}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
label{display:block;font-weight:600;margin-top:1rem}
input{display:block;width:100%;font:inherit;padding:.5rem;margin-top:.25rem;border:1px solid currentColor;border-radius:4px;background:var(--bg);color:var(--fg)}
button{font:inherit;margin-top:1.25rem;padding:.6rem 1.2rem;border:0;border-radius:4px;background:var(--accent);color:var(--bg);cursor:pointer}
.hint{font-size:.95rem;margin:.25rem 0 0}
.error{color:var(--error);font-weight:600}
.ok{color:var(--ok);font-weight:600}
.products{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr))}
.products img{width:100%;height:auto;display:block}
`
