// The command line's numbers, checked: whole numbers in range, and low,high pairs.
import { UsageError } from './usage-error.js'

export function int (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError('CLI002', `${flag} ${text}: give a whole number from ${min} to ${max}`, `e.g. ${flag} ${Math.max(min, 15)}`)
  }
  return Number(text)
}

export function pair (flag: string, text: string, example: string): [number, number] {
  const m = /^\s*([\d.]+)\s*,\s*([\d.]+)\s*$/.exec(text)
  const a = Number(m?.[1]); const b = Number(m?.[2])
  if (m === null || !Number.isFinite(a) || !Number.isFinite(b)) throw new UsageError('CLI002', `${flag} ${text}: give two numbers, low,high`, `e.g. ${flag} ${example}`)
  return [a, b]
}
