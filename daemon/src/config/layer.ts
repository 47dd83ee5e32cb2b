// One source of configuration (defaults, file, environment, flags): raw text values with origins.
import type { Origin } from './origin.js'

export interface RawSetting {
  /** A list key holds every item; a scalar key holds one. */
  values: string[]
  /** The origin of each item (a file gives each list item its own line). */
  origins: Origin[]
}

export type Layer = Map<string, RawSetting>

export function single (value: string, origin: Origin): RawSetting {
  return { values: [value], origins: [origin] }
}

/** A list value given as one text: items split on commas (and whitespace around them). */
export function splitList (text: string, origin: Origin): RawSetting {
  const values = text.split(',').map(s => s.trim()).filter(s => s.length > 0)
  return { values, origins: values.map(() => origin) }
}
