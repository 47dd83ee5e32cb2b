import { SchemaError } from '../errors.js'
import type { Validator } from '../types.js'

/** Apply an optional response validator; a failure is a SchemaError. */
export function validated<T> (value: unknown, validate: Validator<T> | undefined): T {
  if (validate === undefined) return value as T
  const r = validate(value)
  if (!r.ok) throw new SchemaError(r.reason)
  return r.value
}
