// The YAML config file, with the line of every value so errors can name FILE:LINE.
import { readFileSync } from 'node:fs'
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Node } from 'yaml'
import { ConfigFileError, InvalidValueError, UnknownKeyError } from './errors.js'
import { closestKey, KEY_BY_NAME } from './keys.js'
import type { Layer } from './layer.js'
import type { Origin } from './origin.js'

export function readConfigFile (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new ConfigFileError(path, `cannot read the config file (${why})`, 'check --config (or PARLEY_CONFIG) and the file\'s permissions')
  }
}

export function parseConfigFile (path: string, text: string): Layer {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const first = doc.errors[0]
  if (first !== undefined) {
    const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line
    throw new ConfigFileError(path, `YAML: ${first.message.split('\n')[0]}`, 'fix the YAML syntax; see deploy/parley.yaml for the layout', line)
  }
  const layer: Layer = new Map()
  const root = doc.contents
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return layer
  if (!isMap(root)) throw new ConfigFileError(path, 'the file is not a mapping of keys to values', 'write one key: value a line, e.g. hypervisor: qemu:///system', 1)
  const at = (node: Node | null | undefined): Origin => {
    const offset = node?.range?.[0]
    return offset === undefined ? { kind: 'file', path } : { kind: 'file', path, line: lines.linePos(offset).line }
  }
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const name = isScalar(keyNode) ? String(keyNode.value) : ''
    const spec = KEY_BY_NAME.get(name)
    if (spec === undefined) {
      const near = closestKey(name)
      throw new UnknownKeyError(`key "${name}"`, at(keyNode), near === undefined ? 'see deploy/parley.yaml for every key' : `did you mean ${near}?`)
    }
    const valueNode = pair.value as Node | null
    if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) {
      if (spec.list) { layer.set(name, { values: [], origins: [] }); continue }
      throw new InvalidValueError(name, at(keyNode), 'has no value', `give a value or remove the key; default: ${String(spec.default)}`)
    }
    if (isSeq(valueNode)) {
      if (!spec.list) throw new InvalidValueError(name, at(valueNode), 'takes one value, not a list', `e.g. ${name}: ${String(spec.default ?? '...')}`)
      const values: string[] = []
      const origins: Origin[] = []
      for (const item of valueNode.items as Array<Node | null>) {
        if (!isScalar(item) || item.value === null || typeof item.value === 'object') {
          throw new InvalidValueError(name, at(item ?? valueNode), 'list items must be plain values', `e.g. ${name}: [${spec.arg}]`)
        }
        values.push(String(item.value))
        origins.push(at(item))
      }
      layer.set(name, { values, origins })
    } else if (isScalar(valueNode) && typeof valueNode.value !== 'object') {
      layer.set(name, { values: [String(valueNode.value)], origins: [at(valueNode)] })
    } else {
      throw new InvalidValueError(name, at(valueNode), 'must be a plain value', `e.g. ${name}: ${spec.arg}`)
    }
  }
  return layer
}
