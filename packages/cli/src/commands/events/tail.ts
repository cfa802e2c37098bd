import { type AnyDelivered, channelsOf } from '@kloset/core'
import { Flags, ux } from '@oclif/core'
import chalk from 'chalk'
import { KlosetCommand } from '../../base-command.js'

/** One event as `kloset events tail` prints it (a JSON line under `--json`). */
interface TailedEvent {
  at: string
  event: string
  eventId: string
  channels: string[]
  data: Record<string, unknown>
}

export default class EventsTail extends KlosetCommand {
  static override summary = 'Watch domain events live, as they are recorded, until Ctrl-C'
  static override description =
    'Prints every domain event recorded by any process on this database (the server, other kloset commands, the scheduler), as it is published, with the WebSocket channels it is pushed on. It runs the event relay, which tails the event log (and, with REDIS_URL, listens on Redis). With --channel, only the events pushed on that channel. With --json, one JSON object per line, then the usual envelope when it stops.'
  static override examples = [
    '<%= config.bin %> events tail',
    '<%= config.bin %> events tail --channel admin',
    '<%= config.bin %> events tail --channel order:6751f3b0c1d2e3f4a5b6c7e1 --json',
  ]
  static override flags = {
    channel: Flags.string({
      summary: 'Only events pushed on this channel: admin, order:<id>, store:<id> or user:<id>',
    }),
    count: Flags.integer({ min: 1, summary: 'Stop after this many events' }),
  }

  async run(): Promise<{ received: number }> {
    const { flags } = await this.parse(EventsTail)
    const core = await this.core()
    // The same check as a WebSocket subscription: the name is a channel, its order or store exists.
    if (flags.channel) await core.realtime.authorizeSubscription(this.ctx, flags.channel)
    let received = 0
    let stop = () => {}
    const stopped = new Promise<void>((done) => {
      stop = done
    })
    const off = core.events.onAny((event) => {
      // A relay pass can deliver several events at once: stop at exactly --count.
      if (flags.count !== undefined && received >= flags.count) return
      const channels = channelsOf(event)
      if (flags.channel && !channels.includes(flags.channel)) return
      this.print(toTailed(event, channels, core.clock.now()))
      received++
      if (flags.count !== undefined && received >= flags.count) stop()
    })
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      await core.relay.start()
      if (!this.jsonEnabled()) {
        this.logToStderr(chalk.dim(`Watching ${flags.channel ?? 'every event'}; Ctrl-C stops.`))
      }
      await stopped
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      off()
      await core.relay.stop()
    }
    return { received }
  }

  private print(tailed: TailedEvent): void {
    if (this.jsonEnabled()) {
      // `log` is silent under --json: the lines are the command's output, one event each.
      ux.stdout(JSON.stringify(tailed))
      return
    }
    const where = tailed.channels.length ? chalk.dim(` [${tailed.channels.join(' ')}]`) : ''
    this.log(`${tailed.at} ${chalk.bold(tailed.event)}${where} ${JSON.stringify(tailed.data)}`)
  }
}

function toTailed(event: AnyDelivered, channels: string[], now: Date): TailedEvent {
  const { event: name, eventId, ...data } = event as AnyDelivered & Record<string, unknown>
  return { at: now.toISOString(), event: name, eventId, channels, data: withoutChatText(data) }
}

/**
 * Chat messages are private: administrators read a conversation only once it is reported or
 * flagged, through `kloset chats show` (audit-logged), never by tailing events (docs/chat.md).
 */
function withoutChatText(data: Record<string, unknown>): Record<string, unknown> {
  const message = data.message as Record<string, unknown> | undefined
  if (!message || typeof message.body !== 'string') return data
  return { ...data, message: { ...message, body: '[private]', attachments: [] } }
}
