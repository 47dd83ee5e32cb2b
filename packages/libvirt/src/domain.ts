import { call } from './errors.js'
import { domainInfo, jobStats } from './convert.js'
import type { Domain, DomainInfo, JobStats, MigrateFlags, MigrateParams } from './types.js'
import type { NativeBinding, NativeDomain, DomainHandle } from './native.js'

const XML_SECURE = 1 // VIR_DOMAIN_XML_SECURE
const XML_INACTIVE = 2 // VIR_DOMAIN_XML_INACTIVE

export class LibvirtDomain implements Domain {
  readonly name: string
  readonly uuid: string
  readonly #native: NativeBinding
  readonly #h: DomainHandle

  constructor (native: NativeBinding, d: NativeDomain) {
    this.#native = native
    this.#h = d.handle
    this.name = d.name
    this.uuid = d.uuid
  }

  async getInfo (): Promise<DomainInfo> {
    return domainInfo(await call(this.#native.domainGetInfo(this.#h)))
  }

  async getXMLDesc (options: { inactive?: boolean, secure?: boolean } = {}): Promise<string> {
    const flags = (options.inactive === true ? XML_INACTIVE : 0) | (options.secure === true ? XML_SECURE : 0)
    return await call(this.#native.domainGetXMLDesc(this.#h, flags))
  }

  async isActive (): Promise<boolean> { return await call(this.#native.domainIsActive(this.#h)) }
  async isPersistent (): Promise<boolean> { return await call(this.#native.domainIsPersistent(this.#h)) }
  async start (): Promise<void> { await call(this.#native.domainStart(this.#h)) }
  async shutdown (): Promise<void> { await call(this.#native.domainShutdown(this.#h)) }
  async destroy (): Promise<void> { await call(this.#native.domainDestroy(this.#h)) }
  async undefine (): Promise<void> { await call(this.#native.domainUndefine(this.#h)) }
  async abortJob (): Promise<void> { await call(this.#native.domainAbortJob(this.#h)) }

  async migrate (dconnuri: string, params: MigrateParams = {}, flags: MigrateFlags = {}): Promise<void> {
    await call(this.#native.domainMigrate(this.#h, dconnuri, params, flags))
  }

  async getJobStats (options: { completed?: boolean } = {}): Promise<JobStats> {
    const r = await call(this.#native.domainGetJobStats(this.#h, options.completed === true))
    return jobStats(r.type, r.params)
  }
}
