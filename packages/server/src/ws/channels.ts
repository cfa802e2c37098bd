import { randomBytes } from 'node:crypto'

/** A server push: one publication on one channel (docs/realtime.md). */
export interface Publication {
  type: 'event'
  channel: string
  seq: number
  epoch: string
  event: string
  data: unknown
  at: string
}

/** A socket as the channels see it: the channels it is in, each with the `seq` when it joined. */
export interface Member {
  channels: Map<string, number>
}

/** A channel's position and recent history, for recovery on resubscribe. */
interface ChannelState<M extends Member> {
  /** Changes whenever the sequence restarts (a new gateway process, a forgotten channel). */
  epoch: string
  seq: number
  history: Publication[]
  subscribers: Set<M>
}

/** Where a client stood on a channel, as `subscribe`'s `since` gives it. */
export interface Since {
  seq: number
  epoch: string
}

const newEpoch = () => randomBytes(6).toString('base64url')

/**
 * The gateway's channels: who is subscribed, each channel's `seq`, `epoch` and recent history.
 * At most `maxChannels` are kept; the least recently used without subscribers is forgotten first
 * (its next publication starts a new epoch).
 */
export class Channels<M extends Member> {
  private states = new Map<string, ChannelState<M>>()

  constructor(private limits: { historySize: number; maxChannels: number }) {}

  /** The channel's state, created on first use and moved to the most recently used end. */
  private stateOf(channel: string): ChannelState<M> {
    let state = this.states.get(channel)
    if (state) {
      this.states.delete(channel)
    } else {
      state = { epoch: newEpoch(), seq: 0, history: [], subscribers: new Set() }
      for (const [name, old] of this.states) {
        if (this.states.size < this.limits.maxChannels) break
        if (old.subscribers.size === 0) this.states.delete(name)
      }
    }
    this.states.set(channel, state)
    return state
  }

  /** Adds the member (noting the channel's `seq` when it first joins) and says where it stands. */
  join(member: M, channel: string): Since {
    const state = this.stateOf(channel)
    if (!member.channels.has(channel)) member.channels.set(channel, state.seq)
    state.subscribers.add(member)
    return { seq: state.seq, epoch: state.epoch }
  }

  leave(member: M, channel: string): void {
    member.channels.delete(channel)
    this.states.get(channel)?.subscribers.delete(member)
  }

  /** Takes a closed socket out of every channel it was in. */
  leaveAll(member: M): void {
    for (const channel of member.channels.keys())
      this.states.get(channel)?.subscribers.delete(member)
  }

  /**
   * What a member that just joined `channel` missed since `since`: the publications between it
   * and the moment the member joined (later ones were sent live), or `recovered: false` when the
   * history no longer covers the gap or the epoch changed. Call right after {@link join}.
   */
  recover(member: M, channel: string, since: Since) {
    const state = this.stateOf(channel)
    const liveAfter = member.channels.get(channel) ?? state.seq
    const oldest = state.history[0]?.seq ?? state.seq + 1
    const recovered =
      since.epoch === state.epoch &&
      since.seq <= state.seq &&
      (since.seq >= liveAfter || since.seq + 1 >= oldest)
    return {
      recovered,
      publications: recovered
        ? state.history.filter((p) => p.seq > since.seq && p.seq <= liveAfter)
        : [],
    }
  }

  /**
   * Numbers a publication, keeps it in the channel's history and serialises it once (`payload`):
   * the same bytes go to every subscriber.
   */
  publish(channel: string, event: string, data: unknown, at: string) {
    const state = this.stateOf(channel)
    const publication: Publication = {
      type: 'event',
      channel,
      seq: ++state.seq,
      epoch: state.epoch,
      event,
      data,
      at,
    }
    state.history.push(publication)
    if (state.history.length > this.limits.historySize) state.history.shift()
    return {
      publication,
      payload: Buffer.from(JSON.stringify(publication)),
      subscribers: state.subscribers,
    }
  }
}
