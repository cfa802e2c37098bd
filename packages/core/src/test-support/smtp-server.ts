import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  to: string[]
  subject: string
  text: string
  html: string
  links: string[]
}

/** A real SMTP server on a free loopback port that keeps what it receives. */
export interface TestSmtp {
  url: string
  messages: ReceivedMail[]
  /**
   * Waits (bounded) for a message to `to` whose subject (and text, when given) matches; the
   * newest such message. Mail leaves in the background, so match what tells a new one apart.
   */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number, text?: RegExp): Promise<ReceivedMail>
  /** Messages to an address so far. */
  to(address: string): ReceivedMail[]
  clear(): void
  /** Refuses the next `count` messages with a temporary 451 error (a flaky mail server). */
  refuseNext(count: number): void
  /** Messages refused so far. */
  refused: number
  stop(): Promise<void>
}

const addresses = (mail: ParsedMail): string[] => {
  const list = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []
  return list.flatMap((group) => group.value.map((a) => (a.address ?? '').toLowerCase()))
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = []
  let toRefuse = 0
  const state = { refused: 0 }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (toRefuse > 0) {
        toRefuse--
        state.refused++
        stream.resume()
        stream.on('end', () =>
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 })),
        )
        return
      }
      simpleParser(stream)
        .then((mail) => {
          const text = mail.text ?? ''
          messages.push({
            to: addresses(mail),
            subject: mail.subject ?? '',
            text,
            html: typeof mail.html === 'string' ? mail.html : '',
            links: [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
          })
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const matching = (to: string, subject?: RegExp, text?: RegExp) =>
    messages.filter(
      (m) =>
        m.to.includes(to.toLowerCase()) &&
        (!subject || subject.test(m.subject)) &&
        (!text || text.test(m.text)),
    )
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => matching(address),
    async waitFor(to, subject, timeoutMs = 5_000, text) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = matching(to, subject, text).at(-1)
        if (found) return found
        if (Date.now() > deadline)
          throw new Error(`No mail to ${to} matching ${subject ?? 'anything'}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    clear: () => {
      messages.length = 0
    },
    refuseNext: (count) => {
      toRefuse = count
    },
    get refused() {
      return state.refused
    },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  }
}
