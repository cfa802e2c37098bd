/**
 * Chat moderation: text is normalized (case, spacing, look-alike characters, digits written as
 * words) and then checked against data-driven rules. Contact details (phone numbers, emails,
 * URLs, social handles) are redacted before the buyer has a paid order with the store; attempts
 * to move payment off the platform are blocked at any time. The labelled corpus in
 * moderation.test.ts holds the rules to their recall and false-positive targets.
 */

/** What a rule protects against: contact details are redacted, payment diversion is blocked. */
export type ModerationKind = 'contact' | 'payment'

/** One rule: a pattern over the normalized text (`base` keeps digits, `words` reads leetspeak). */
export interface ModerationRule {
  id: string
  kind: ModerationKind
  /** Which normalized form the pattern runs on. */
  on: 'base' | 'words'
  pattern: RegExp
  /** What the sender is told. */
  reason: string
}

/** Banks and wallets whose names near a 10-digit (NUBAN) number make it a payment detail. */
export const BANK_NAMES = [
  'gtb',
  'gtbank',
  'guaranty',
  'access',
  'zenith',
  'first ?bank',
  'firstbank',
  'uba',
  'fidelity',
  'union ?bank',
  'sterling',
  'wema',
  'alat',
  'kuda',
  'opay',
  'palm ?pay',
  'moniepoint',
  'fcmb',
  'stanbic',
  'polaris',
  'ecobank',
  'keystone',
  'providus',
  'jaiz',
  'paga',
  'chipper',
  'carbon',
  'vfd',
  'globus',
  'titan',
  'bank',
]

const TLDS = 'com|ng|net|org|io|me|co|ly|shop|store|link|app|biz|info|xyz'
const WALLETS = 'account|acct|acc|bank|opay|palm ?pay|kuda|moniepoint|wallet'

/** The rules, in the order they are reported. */
export const MODERATION_RULES: ModerationRule[] = [
  // ---- contact details (redacted before a paid order) ----
  {
    id: 'email',
    kind: 'contact',
    on: 'base',
    pattern: new RegExp(
      String.raw`[a-z0-9._%+-]+ ?(?:@|\(at\)|\[at\]| at ) ?[a-z0-9-]+(?: ?(?:\.|\(dot\)|\[dot\]| dot ) ?[a-z]{2,})*? ?(?:\.|\(dot\)|\[dot\]| dot ) ?(?:${TLDS}|[a-z]{2,3})\b`,
      'g',
    ),
    reason: 'email addresses are hidden until you have a paid order with this store',
  },
  {
    id: 'url',
    kind: 'contact',
    on: 'base',
    pattern: new RegExp(
      String.raw`(?:https?:\/\/|www\.)\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*(?:\.| dot )(?:${TLDS})\b(?:\/\S*)?`,
      'g',
    ),
    reason: 'links are hidden until you have a paid order with this store',
  },
  {
    id: 'phone',
    kind: 'contact',
    on: 'base',
    // Nigerian mobile numbers (0803..., +234 803..., 803...) and other international numbers.
    pattern: /(?<![\d])(?:\+?234|0)?[789][01]\d{8}(?!\d)|\+\d{10,14}(?!\d)/g,
    reason: 'phone numbers are hidden until you have a paid order with this store',
  },
  {
    id: 'handle',
    kind: 'contact',
    on: 'base',
    pattern:
      /(?<![a-z0-9._%+-])@[a-z0-9_.]{3,}|\b(?:ig|insta(?:gram)?|snap(?:chat)?|tiktok|telegram|twitter|fb|facebook|whatsapp|whatsap|watsapp|wa|tg)\s*(?:handle|id|name|username|page)?\s*(?::|-|is|@)\s*@?[a-z0-9_.]{3,}/g,
    reason: 'social media handles are hidden until you have a paid order with this store',
  },
  // ---- payment diversion (blocked at any time) ----
  {
    id: 'pay_direct',
    kind: 'payment',
    on: 'words',
    pattern:
      /\bpay\s*(?:me|us|the seller|him|her)?\s*(?:direct(?:ly)?|outside|off(?:line)?\b|privately|personally)/g,
    reason: 'payments must go through KlosetStore checkout',
  },
  {
    id: 'transfer_to_account',
    kind: 'payment',
    on: 'words',
    pattern: new RegExp(
      String.raw`\b(?:transfer|send|pay|deposit|remit)\w*\s*(?:the\s*|your\s*)?(?:money|payment|cash|funds?|balance|amount|it|naira)?\s*(?:directly\s*)?(?:to|into|in)\s*(?:my|our)\s*(?:personal\s*|private\s*)?(?:${WALLETS})`,
      'g',
    ),
    reason: 'payments must go through KlosetStore checkout',
  },
  {
    id: 'off_platform',
    kind: 'payment',
    on: 'words',
    pattern:
      /\b(?:outside|off)\s*(?:of\s*)?(?:the\s*|this\s*)?(?:app|platform|site|website|kloset(?:store)?)\b|\b(?:avoid|skip|save on|bypass|dodge)\s*(?:the\s*)?(?:platform\s*|kloset\s*|site\s*|app\s*)?(?:fees?|commission|charges)/g,
    reason: 'deals outside KlosetStore are not allowed',
  },
  {
    id: 'account_details',
    kind: 'payment',
    on: 'words',
    pattern:
      /\b(?:my|our)\s*(?:bank\s*)?(?:account|acct|acc|a\/c)\s*(?:number|no\b|num)|\b(?:my|our)\s*bank\s*(?:details|info)/g,
    reason: 'sharing bank account details is not allowed: pay through KlosetStore checkout',
  },
]

const BANK = new RegExp(String.raw`\b(?:${BANK_NAMES.join('|')})\b`, 'g')
const NUBAN = /(?<!\d)\d{10}(?!\d)/g
/** How close (in characters) a bank or wallet name must be to a 10-digit number. */
const BANK_NEARNESS = 60

/** Look-alike characters (Cyrillic, Greek, full-width forms handled by NFKC) to Latin. */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  ѕ: 's',
  һ: 'h',
  ӏ: 'l',
  ɡ: 'g',
  α: 'a',
  ο: 'o',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  ι: 'i',
  κ: 'k',
  ε: 'e',
  '＠': '@',
  '﹫': '@',
  '。': '.',
  '．': '.',
}
const INVISIBLE = /[\u200b-\u200f\u2060\ufeff\u00ad]/
const NUMBER_WORDS: Record<string, string> = {
  zero: '0',
  nought: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
}
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
}

/** A normalized text with, per character, the span of the original it came from. */
interface Mapped {
  chars: string[]
  spans: [number, number][]
}

const joined = (m: Mapped) => m.chars.join('')

/** Replaces every match of `pattern` in the mapped text; replacements cover the matched span. */
function rewrite(m: Mapped, pattern: RegExp, replace: (match: RegExpExecArray) => string): Mapped {
  const text = joined(m)
  const out: Mapped = { chars: [], spans: [] }
  let at = 0
  for (const match of text.matchAll(pattern)) {
    const start = match.index
    const end = start + match[0].length
    for (let i = at; i < start; i++) {
      out.chars.push(m.chars[i] as string)
      out.spans.push(m.spans[i] as [number, number])
    }
    const replacement = replace(match as RegExpExecArray)
    if (end > start) {
      const span: [number, number] = [
        (m.spans[start] as [number, number])[0],
        (m.spans[end - 1] as [number, number])[1],
      ]
      for (const ch of replacement) {
        out.chars.push(ch)
        out.spans.push(span)
      }
    }
    at = end
  }
  for (let i = at; i < m.chars.length; i++) {
    out.chars.push(m.chars[i] as string)
    out.spans.push(m.spans[i] as [number, number])
  }
  return out
}

/**
 * The normalized forms of a message: `base` (lower case, look-alikes and number words mapped,
 * separators inside numbers and spaced-out letters collapsed) and `words` (base with leetspeak
 * read as letters, same length), with the original span of each character.
 */
export function normalizeForModeration(text: string): {
  base: string
  words: string
  spans: [number, number][]
} {
  let m: Mapped = { chars: [], spans: [] }
  let index = 0
  for (const ch of text) {
    const span: [number, number] = [index, index + ch.length]
    index += ch.length
    if (INVISIBLE.test(ch)) continue
    for (const n of ch
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()) {
      const mapped = CONFUSABLES[n] ?? n
      for (const c of /\s/.test(mapped) ? ' ' : mapped) {
        m.chars.push(c)
        m.spans.push(span)
      }
    }
  }
  // Digits written as words: "zero eight zero three" -> "0 8 0 3".
  m = rewrite(m, /\b(?:zero|nought|one|two|three|four|five|six|seven|eight|nine)\b/g, (x) => {
    return NUMBER_WORDS[x[0]] as string
  })
  // The letter o (or l, i) standing for a digit inside a number.
  m = rewrite(m, /(?<=\d[\s.-]*)[oil](?=[\s.-]*\d)/g, (x) => (x[0] === 'o' ? '0' : '1'))
  // Spaced-out letters and digits: "p a y  m e" -> "payme", "0 8 0 3" -> "0803".
  m = rewrite(m, /\b[a-z0-9](?:[\s._*-]+[a-z0-9]\b){3,}/g, (x) => x[0].replace(/[\s._*-]+/g, ''))
  // Separators inside numbers: "0803 123-4567", "+234 (803)".
  m = rewrite(m, /(?<=[\d+])[\s\-.()/]+(?=\d)/g, () => '')
  m = rewrite(m, /\s+/g, () => ' ')
  const base = joined(m)
  const words = m.chars
    .map((c, i) => {
      const leet = LEET[c]
      if (!leet) return c
      const prev = m.chars[i - 1] ?? ' '
      const next = m.chars[i + 1] ?? ' '
      const letter = (x: string) => /[a-z]/.test(x)
      const digit = (x: string) => /\d/.test(x)
      return (letter(prev) || letter(next)) && !digit(prev) && !digit(next) ? leet : c
    })
    .join('')
  return { base, words, spans: m.spans }
}

/** A finding: which rule, and the original text's span it covers. */
export interface ModerationHit {
  rule: string
  kind: ModerationKind
  reason: string
  start: number
  end: number
}

/** The verdict on one message. */
export interface ModerationResult {
  /** `block`: not delivered; `redact`: delivered with contact details replaced; `allow`. */
  action: 'allow' | 'redact' | 'block'
  /** What the other party sees. */
  text: string
  /** The rule ids that matched. */
  reasons: string[]
  /** What the sender is told, one line per reason. */
  notices: string[]
  hits: ModerationHit[]
}

/** Finds every rule match in a message, mapped back onto the original text. */
export function findViolations(text: string): ModerationHit[] {
  const { base, words, spans } = normalizeForModeration(text)
  const hits: ModerationHit[] = []
  const toOriginal = (start: number, end: number) => ({
    start: (spans[start] as [number, number])[0],
    end: (spans[end - 1] as [number, number])[1],
  })
  for (const rule of MODERATION_RULES) {
    const target = rule.on === 'base' ? base : words
    for (const match of target.matchAll(rule.pattern)) {
      if (match[0].length === 0) continue
      hits.push({
        rule: rule.id,
        kind: rule.kind,
        reason: rule.reason,
        ...toOriginal(match.index, match.index + match[0].length),
      })
    }
  }
  // A bank account number: ten digits with a bank or wallet name nearby.
  const banks = [...words.matchAll(BANK)].map((b) => b.index)
  for (const match of base.matchAll(NUBAN)) {
    const near = banks.some(
      (at) =>
        at >= match.index - BANK_NEARNESS && at <= match.index + match[0].length + BANK_NEARNESS,
    )
    if (near)
      hits.push({
        rule: 'bank_account',
        kind: 'payment',
        reason: 'sharing bank account details is not allowed: pay through KlosetStore checkout',
        ...toOriginal(match.index, match.index + match[0].length),
      })
  }
  return hits
}

/** The mask that replaces a redacted contact detail. */
export const REDACTED = '[hidden]'

/**
 * Moderates one message. Payment diversion blocks it; contact details are redacted unless
 * `contactAllowed` (the buyer has a paid order with the store).
 */
export function moderateMessage(
  text: string,
  options: { contactAllowed: boolean },
): ModerationResult {
  const hits = findViolations(text)
  const payment = hits.filter((h) => h.kind === 'payment')
  const unique = (list: ModerationHit[]) => [...new Set(list.map((h) => h.rule))]
  const noticesOf = (list: ModerationHit[]) => [...new Set(list.map((h) => h.reason))]
  if (payment.length > 0)
    return { action: 'block', text, reasons: unique(payment), notices: noticesOf(payment), hits }
  const contact = options.contactAllowed ? [] : hits.filter((h) => h.kind === 'contact')
  if (contact.length === 0) return { action: 'allow', text, reasons: [], notices: [], hits }
  // Merge overlapping spans, then replace them from the end so earlier offsets stay valid.
  const spans = contact.map((h) => [h.start, h.end] as [number, number]).sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const span of spans) {
    const last = merged.at(-1)
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1])
    else merged.push([...span])
  }
  let redacted = text
  for (const [start, end] of merged.reverse())
    redacted = redacted.slice(0, start) + REDACTED + redacted.slice(end)
  return {
    action: 'redact',
    text: redacted,
    reasons: unique(contact),
    notices: noticesOf(contact),
    hits,
  }
}
