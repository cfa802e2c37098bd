import { CURRENCIES } from '@kloset/core'
import { z } from 'zod'

/*
 * The shapes of what the API sends, as zod schemas, one file per area (`<area>.schemas.ts`;
 * `dto.schemas.ts` re-exports them): the OpenAPI document is generated from them (each `id`
 * becomes a component), tests check every response against them, and the type checks at the
 * bottom of each file fail the build when a core DTO and its schema part ways. Objects are
 * strict, so a field added to a DTO and not here fails the contract test too.
 *
 * This file: the scalars every area shares, the page of a list, and the type check helpers.
 */

export const at = z.string().meta({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' })
export const id = z.string().meta({ example: '6750a1f2c3d4e5f6a7b8c9d0' })
export const kobo = z.number().int().meta({ description: 'Minor units (kobo)', example: 2500000 })
export const count = z.number().int()
export const currency = z.enum(CURRENCIES)
export const strict = z.strictObject

/** `{ items, nextCursor? }`: one page of a list (docs/api.md, "Lists"). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  strict({
    items: z.array(item),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
  })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export type Agrees<S extends z.ZodType, T> = Same<z.output<S>, T>
export type Assert<T extends true> = T
