import { describe, expect, it } from '@jest/globals'
import type { EvaluationReport, JobRun } from '@kloset/core'
import { testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import RecommendationsEvaluate from './recommendations/evaluate.js'
import RecommendationsRefresh from './recommendations/refresh.js'

const world = testWorldForSuite()

describe('kloset recommendations', () => {
  it('evaluates a small synthetic history and prints the table', async () => {
    const run = await runCommand(world, RecommendationsEvaluate, [
      '--buyers',
      '400',
      '--products',
      '200',
      '--seed',
      '3',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('HitRate@10')
    expect(run.stdout).toContain('popularity')
    expect(run.stdout).toMatch(/lift over popularity: HitRate \d+\.\d\dx/)
  }, 60_000)

  it('gives the report as JSON', async () => {
    const run = await runCommand(world, RecommendationsEvaluate, [
      '--buyers',
      '300',
      '--products',
      '150',
      '--json',
    ])
    const report = (run.json as { result: EvaluationReport }).result
    expect(report.methods.map((m) => m.method)).toEqual([
      'popularity',
      'co-purchase + content (served)',
    ])
    expect(report.options).toMatchObject({ buyers: 300, products: 150, seed: 42 })
  }, 60_000)

  it('refuses a test window as long as the history with exit code 3', async () => {
    const run = await runCommand(world, RecommendationsEvaluate, [
      '--days',
      '30',
      '--test-days',
      '30',
      '--json',
    ])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
    expect(run.exitCode).toBe(3)
  })

  it('refreshes recommendations on an empty marketplace', async () => {
    const run = await runCommand(world, RecommendationsRefresh, ['--json'])
    const job = (run.json as { result: JobRun }).result
    expect(job).toMatchObject({
      job: 'refresh-recommendations',
      ran: true,
      result: { products: 0, paidLines: 0 },
    })
  })
})
