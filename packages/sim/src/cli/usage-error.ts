// A bad command line or an unusable file: one coded line and a hint, exit status 2, never a stack
// trace. The codes are the parley CLI's (CLI002 bad option, CLI003 bad argument, CLI004 cannot
// read, CLI006 cannot write), since `parley sim` runs this program.
export class UsageError extends Error {
  constructor (readonly code: string, message: string, readonly hint: string) {
    super(message)
    this.name = 'UsageError'
  }
}
