// The simulator's failures, each with a stable code and a hint for the operator.

export class SimError extends Error {
  constructor (readonly code: string, message: string, readonly hint?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

export class InvalidScenarioError extends SimError {
  constructor (readonly field: string, problem: string) {
    super('SIM_INVALID_SCENARIO', `${field} ${problem}`, 'check the --hosts, --vms and --seed values')
  }
}

export class InvalidOptionError extends SimError {
  constructor (readonly option: string, problem: string, hint: string) {
    super('SIM_INVALID_OPTION', `${option} ${problem}`, hint)
  }
}

export class PolicyRejectedError extends SimError {
  constructor (readonly file: string, detail: string, options?: ErrorOptions) {
    super('SIM_POLICY_REJECTED', `the runtime refused a host agent for the policy ${file}: ${detail}`, 'run `parley im check` on the policy file, and check --band', options)
  }
}

export class InvalidReportError extends SimError {
  constructor (detail: string) {
    super('SIM_INVALID_REPORT', `not a simulator report: ${detail}`, 'pass a file written by `parley sim --json FILE`')
  }
}

export class PlotFormatError extends SimError {
  constructor (readonly file: string) {
    super('SIM_PLOT_FORMAT', `cannot tell the plot format of ${file}`, 'name the file *.svg or *.png')
  }
}

export class SimAbortedError extends SimError {
  constructor (readonly stage: 'setup' | 'run', readonly hostsBuilt: number, readonly roundsDone: number) {
    super('SIM_ABORTED', `the simulation was aborted during ${stage} (${hostsBuilt} hosts built, ${roundsDone} rounds done)`, 'give it more time, or fewer hosts')
  }
}
