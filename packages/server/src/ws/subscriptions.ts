import { type Core, isAppError, makeCtx, type RealtimeCommand } from '@kloset/core'
import type { Channels } from './channels.js'
import type { Client } from './clients.js'
import type { Replies } from './commands.js'

type Subscribe = Extract<RealtimeCommand, { type: 'subscribe' }>

/**
 * Subscribing and recovery: core decides who may follow a channel; on `since` the channel's
 * history replays what the client missed, and live delivery continues from there.
 */
export class Subscriptions {
  /**
   * Core's decisions in flight. The same user asking for the same channel from several sockets at
   * once (a reconnect storm after a restart: every tab resubscribes) shares one check; nothing
   * is kept once it settles.
   */
  private checks = new Map<string, Promise<void>>()

  constructor(
    private core: Core,
    private channels: Channels<Client>,
    private replies: Replies,
    private maxSubscriptions: number,
  ) {}

  private authorize(actor: Client['actor'], channel: string): Promise<void> {
    const key = `${actor.id} ${actor.role} ${channel}`
    let check = this.checks.get(key)
    if (!check) {
      check = this.core.realtime.authorizeSubscription(
        makeCtx(actor, this.core.clock.now()),
        channel,
      )
      this.checks.set(key, check)
      const forget = () => this.checks.delete(key)
      check.then(forget, forget)
    }
    return check
  }

  async subscribe(client: Client, message: Subscribe): Promise<void> {
    const { id, channel, since } = message
    const { reply, replyError } = this.replies
    const full = () =>
      !client.channels.has(channel) && client.channels.size >= this.maxSubscriptions
    const tooMany = () =>
      replyError(client, id, 'too_many_subscriptions', `At most ${this.maxSubscriptions} channels`)
    if (full()) return tooMany()
    try {
      await this.authorize(client.actor, channel)
    } catch (error) {
      if (isAppError(error)) return replyError(client, id, error.code, error.message)
      this.core.logger.error({ err: error, channel }, 'websocket subscribe failed')
      return replyError(client, id, 'internal', 'Could not subscribe; try again')
    }
    if (full()) return tooMany()
    // From here to the reply nothing awaits: no publication can fall between the replayed
    // history and live delivery, so the client sees each seq exactly once.
    const position = { channel, ...this.channels.join(client, channel) }
    if (!since) return reply(client, id, { type: 'subscribed', ...position })
    // Publications after the socket joined the channel were sent live (a resubscribe to a
    // channel it already had, like its user: channel): the replay stops where live began.
    reply(client, id, {
      type: 'subscribed',
      ...position,
      ...this.channels.recover(client, channel, since),
    })
  }

  unsubscribe(client: Client, channel: string): void {
    this.channels.leave(client, channel)
  }
}
