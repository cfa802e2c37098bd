import { describe, expect, it } from '@jest/globals'
import type { AdminConversationDTO, Page } from '@kloset/core'
import {
  adminCliCtx,
  aSignedUpSeller,
  aVerifiedUser,
  testWorldForSuite,
  userCtx,
} from '@kloset/core/testing'
import { resultOf, runCommand } from '../test-support/run-command.js'
import ChatsList from './chats/list.js'
import ChatsResolve from './chats/resolve.js'
import ChatsShow from './chats/show.js'

const world = testWorldForSuite()

/** A conversation with one message; reported when asked. */
async function aConversation(report: boolean) {
  const { store } = await aSignedUpSeller(world)
  const buyer = await aVerifiedUser(world, 'buyer')
  const ctx = userCtx(buyer.user.id, 'buyer', world.clock.now())
  const { conversation } = await world.core.chat.start(ctx, { storeId: store.id })
  await world.core.chat.send(ctx, conversation.id, { body: 'where is my parcel?' })
  if (report) await world.core.chat.report(ctx, conversation.id, { reason: 'no reply in a week' })
  return conversation.id
}

describe('kloset chats', () => {
  it('lists reported conversations and leaves unreported ones out', async () => {
    const reported = await aConversation(true)
    const quiet = await aConversation(false)
    const run = await runCommand(world, ChatsList, ['--reported', '--limit', '100', '--json'])
    expect(run.exitCode).toBe(0)
    const ids = resultOf<Page<AdminConversationDTO>>(run).items.map((c) => c.id)
    expect(ids).toContain(reported)
    expect(ids).not.toContain(quiet)
  })

  it('shows a reported conversation and writes the read to the audit log', async () => {
    const id = await aConversation(true)
    const run = await runCommand(world, ChatsShow, [id])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('where is my parcel?')
    const audit = await world.core.audit.listFor(adminCliCtx(), { type: 'conversation', id })
    expect(audit.map((e) => e.action)).toContain('chat.read')
  })

  it('refuses to show a conversation nobody reported', async () => {
    const id = await aConversation(false)
    const run = await runCommand(world, ChatsShow, [id, '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'not_found' } })
    expect(run.exitCode).not.toBe(0)
  })

  it('resolves a reported conversation once', async () => {
    const id = await aConversation(true)
    const args = [id, '--resolution', 'no_action', '--note', 'seller answered', '--json']
    const first = await runCommand(world, ChatsResolve, args)
    expect(first.json).toMatchObject({ status: 'ok', result: { conversation: { id } } })
    const again = await runCommand(world, ChatsResolve, args)
    expect(again.json).toMatchObject({ status: 'error', error: { code: 'already_resolved' } })
  })
})
