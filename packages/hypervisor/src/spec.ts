import { InvalidSpecError } from './errors.js'
import type { DomainSpec } from './hypervisor.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// libvirt rejects '/' in names (they become file names) and control characters make bad logs.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[/\u0000-\u001f\u007f]/
const MAX_VCPUS = 4096
const MAX_MEMORY_MIB = 16 * 1024 * 1024

/** Checks a spec both backends accept; throws InvalidSpecError naming the field. */
export function validateSpec (spec: unknown): DomainSpec {
  if (typeof spec !== 'object' || spec === null) throw new InvalidSpecError('spec', 'must be an object')
  const s = spec as Record<string, unknown>
  if (typeof s.name !== 'string' || s.name.length === 0) throw new InvalidSpecError('name', 'must be a non-empty string')
  if (s.name.length > 200) throw new InvalidSpecError('name', 'must be at most 200 characters')
  if (BAD_NAME.test(s.name)) throw new InvalidSpecError('name', 'must not contain "/" or control characters')
  if (s.name.trim() !== s.name) throw new InvalidSpecError('name', 'must not start or end with whitespace')
  if (!Number.isInteger(s.vcpus) || (s.vcpus as number) < 1 || (s.vcpus as number) > MAX_VCPUS) {
    throw new InvalidSpecError('vcpus', `must be an integer from 1 to ${MAX_VCPUS}, got ${String(s.vcpus)}`)
  }
  if (!Number.isInteger(s.memoryMiB) || (s.memoryMiB as number) < 1 || (s.memoryMiB as number) > MAX_MEMORY_MIB) {
    throw new InvalidSpecError('memoryMiB', `must be an integer from 1 to ${MAX_MEMORY_MIB}, got ${String(s.memoryMiB)}`)
  }
  if (s.uuid !== undefined && (typeof s.uuid !== 'string' || !UUID.test(s.uuid))) {
    throw new InvalidSpecError('uuid', 'must be a UUID like 0b3a1c2e-0000-4000-8000-000000000001')
  }
  if (s.xml !== undefined && (typeof s.xml !== 'string' || s.xml.trim().length === 0)) {
    throw new InvalidSpecError('xml', 'must be a non-empty string when given')
  }
  const out: DomainSpec = { name: s.name, vcpus: s.vcpus as number, memoryMiB: s.memoryMiB as number }
  if (s.uuid !== undefined) out.uuid = (s.uuid as string).toLowerCase()
  if (s.xml !== undefined) out.xml = s.xml as string
  return out
}
