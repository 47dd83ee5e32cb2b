import { LibvirtError, ErrorCode } from '@parley/libvirt'
import {
  DomainExistsError, DomainNotFoundError, HypervisorError, HypervisorUnavailableError, InvalidSpecError,
  InvalidStateError, OperationFailedError
} from '../errors.js'

const CONNECTION_CODES = new Set<number>([ErrorCode.NO_CONNECT, ErrorCode.INVALID_CONN, ErrorCode.SYSTEM_ERROR, ErrorCode.RPC, ErrorCode.AUTH_FAILED, -1])
const SPEC_CODES = new Set<number>([ErrorCode.XML_ERROR, ErrorCode.XML_DETAIL, ErrorCode.CONFIG_UNSUPPORTED, ErrorCode.INVALID_ARG])

/** libvirt's error for one domain operation, as our typed error. */
export function mapLibvirtError (err: unknown, ctx: { operation: string, domain?: string, host: string }): HypervisorError {
  if (err instanceof HypervisorError) return err
  if (!(err instanceof LibvirtError)) return new OperationFailedError(ctx.operation, err instanceof Error ? err.message : String(err), { cause: err })
  const domain = ctx.domain ?? '?'
  if (err.code === ErrorCode.NO_DOMAIN) return new DomainNotFoundError(domain, ctx.host, { cause: err })
  if (err.code === ErrorCode.DOM_EXIST || (err.code === ErrorCode.OPERATION_FAILED && /already exists/.test(err.message))) {
    return new DomainExistsError(domain, ctx.host, { cause: err })
  }
  if (err.code === ErrorCode.OPERATION_INVALID) return new InvalidStateError(domain, ctx.operation, err.message.replace(/^Requested operation is not valid: /, ''), { cause: err })
  if (SPEC_CODES.has(err.code)) return new InvalidSpecError('xml', `rejected by libvirt: ${err.message}`, { cause: err })
  if (CONNECTION_CODES.has(err.code)) return new HypervisorUnavailableError(`${ctx.host}: ${err.message}`, { cause: err })
  return new OperationFailedError(ctx.operation, `${err.message} (${err.codeName})`, { cause: err })
}
