// Errors that cross the control socket as {code, message, hint}. The daemon raises them in method
// handlers; the client rebuilds them from the wire, so the CLI prints the daemon's own code and hint.
export interface WireError {
  code: string
  message: string
  hint: string
}

export class ControlError extends Error {
  readonly code: string
  readonly hint: string

  constructor (code: string, message: string, hint: string) {
    super(message)
    this.name = 'ControlError'
    this.code = code
    this.hint = hint
  }

  toWire (): WireError {
    return { code: this.code, message: this.message, hint: this.hint }
  }

  static fromWire (w: WireError): ControlError {
    return new ControlError(w.code, w.message, w.hint)
  }
}

export class BadJsonError extends ControlError {
  constructor (detail: string) {
    super('PARLEY_CONTROL_BAD_JSON', `the request is not JSON: ${detail}`, 'send one JSON object a line: {"id":1,"method":"status"}')
  }
}

export class BadRequestError extends ControlError {
  constructor (detail: string) {
    super('PARLEY_CONTROL_BAD_REQUEST', `malformed request: ${detail}`, 'a request is {"id": number|string, "method": string, "params"?: object}')
  }
}

export class UnknownMethodError extends ControlError {
  constructor (method: string, known: readonly string[]) {
    super('PARLEY_CONTROL_UNKNOWN_METHOD', `unknown method "${method.slice(0, 60)}"`, `methods: ${known.join(', ')}`)
  }
}

export class BadParamsError extends ControlError {
  constructor (method: string, detail: string, hint: string) {
    super('PARLEY_CONTROL_BAD_PARAMS', `${method}: ${detail}`, hint)
  }
}

export class RequestTooLargeError extends ControlError {
  constructor (limit: number) {
    super('PARLEY_CONTROL_TOO_LARGE', `a request line exceeds ${limit} bytes`, 'send the IM text of a subscribe as a file path the daemon can read, or a smaller text')
  }
}

export class BusyError extends ControlError {
  constructor (limit: number) {
    super('PARLEY_CONTROL_BUSY', `more than ${limit} requests in flight on this connection`, 'wait for answers before sending more requests')
  }
}

export class InternalError extends ControlError {
  constructor (detail: string) {
    super('PARLEY_INTERNAL', `the daemon failed to answer: ${detail}`, 'see the parleyd log (journalctl -u parleyd) for details')
  }
}

/** Errors raised on the client side, before or instead of an answer. */
export class NoDaemonError extends ControlError {
  constructor (path: string, why: string) {
    super('PARLEY_NO_DAEMON', `cannot connect to ${path} (${why})`, 'is parleyd running? start it with systemctl start parleyd, or pass --socket PATH')
  }
}

export class SocketDeniedError extends ControlError {
  constructor (path: string) {
    super('PARLEY_SOCKET_DENIED', `permission denied on ${path}`, 'run as root or as a member of the socket\'s group (the parley group)')
  }
}

export class DaemonGoneError extends ControlError {
  constructor (path: string) {
    super('PARLEY_DAEMON_GONE', `parleyd closed ${path} before answering`, 'the daemon stopped or restarted; check journalctl -u parleyd and retry')
  }
}

export class ControlTimeoutError extends ControlError {
  constructor (method: string, ms: number) {
    super('PARLEY_TIMEOUT', `no answer to ${method} within ${ms} ms`, 'the daemon is busy or stuck; retry, or check journalctl -u parleyd')
  }
}
