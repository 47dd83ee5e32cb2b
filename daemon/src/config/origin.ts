// Where a configuration value came from, so an error can point the operator at the right place.
export type Origin =
  | { kind: 'default' }
  | { kind: 'file', path: string, line?: number }
  | { kind: 'env', name: string }
  | { kind: 'flag', flag: string }

export function describeOrigin (o: Origin): string {
  switch (o.kind) {
    case 'default': return 'the built-in default'
    case 'file': return o.line === undefined ? o.path : `${o.path}:${o.line}`
    case 'env': return `environment variable ${o.name}`
    case 'flag': return `flag ${o.flag}`
  }
}
