import { Args, Flags } from '@oclif/core'

/** The `<store>` argument of the commands on one store. */
export const storeArgs = {
  store: Args.string({ required: true, description: 'store id or slug' }),
}

/** `--limit` and `--cursor`: every list command pages the way the API does. */
export const pageFlags = {
  limit: Flags.integer({ default: 20, min: 1, max: 100, summary: 'Page size' }),
  cursor: Flags.string({ summary: 'Continue from a previous page' }),
}

/** Why a seller's store or product was turned down: required, since the seller is told. */
export const sellerReasonFlag = Flags.string({
  required: true,
  summary: 'Why (kept in the audit log and emailed to the seller)',
})

/** A note an administrator may add to an approval or a reinstatement. */
export const noteFlag = Flags.string({ summary: 'Optional note for the audit log' })

/** The body of a decision whose reason is optional: no `reason` key at all when none was given. */
export const optionalReason = (reason: string | undefined): { reason?: string } =>
  reason ? { reason } : {}

/**
 * `--yes`: the gate of every money-moving or destructive command (see `KlosetCommand.confirmed`).
 * Without it the command asks; under `--json` or without a terminal it refuses.
 */
export const yesFlag = Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation' })

/**
 * `--dry-run`: show what the command would do, change nothing. The one convention: the JSON result
 * says `dryRun: true` only for a preview; a run that was declined at the prompt says
 * `declined: true`, and one that found nothing to do reports what it did (nothing).
 */
export const dryRunFlag = (summary: string) => Flags.boolean({ summary })
