import mongoose from 'mongoose'

/**
 * Marks a query operator object as ours. The connection runs with `sanitizeFilter`, which turns
 * any `$`-object in a filter into a literal so that user input can never smuggle an operator in;
 * the operators our services write on purpose are wrapped with `op(...)`.
 */
export function op<T extends Record<string, unknown>>(selector: T): T {
  return mongoose.trusted(selector) as T
}
