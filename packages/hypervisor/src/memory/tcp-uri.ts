// memory+tcp://HOST:PORT/NAME: the migration URI of a memory host whose fabric listens on TCP. NAME
// picks the host among those registered on the fabric behind that port.

export const TCP_SCHEME = 'memory+tcp:'

export interface TcpMemoryAddress { host: string, port: number, name: string }

/** The address in a memory+tcp URI, or undefined when `uri` is not one. */
export function parseTcpMemoryUri (uri: string): TcpMemoryAddress | undefined {
  if (!uri.startsWith(`${TCP_SCHEME}//`)) return undefined
  let url: URL
  try { url = new URL(uri) } catch { return undefined }
  const port = Number(url.port)
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (url.hostname === '' || !Number.isInteger(port) || port < 1 || port > 65535 || name === '' || name.includes('/')) return undefined
  // URL keeps IPv6 literals bracketed; node:net wants them bare
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, name }
}

export function formatTcpMemoryUri (a: TcpMemoryAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host
  return `${TCP_SCHEME}//${host}:${a.port}/${encodeURIComponent(a.name)}`
}
