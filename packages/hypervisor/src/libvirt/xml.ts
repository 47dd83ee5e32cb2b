import type { DomainSpec } from '../hypervisor.js'

export function escapeXml (s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
}

function unescapeXml (s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
    const n = named[e.toLowerCase()]
    if (n !== undefined) return n
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
  })
}

/** The top-level <name> of a domain XML, or null when there is none. */
export function xmlDomainName (xml: string): string | null {
  const m = /<domain\b[^>]*>[\s\S]*?<name>([^<]*)<\/name>/.exec(xml)
  return m === null ? null : unescapeXml(m[1] as string).trim()
}

export interface GuestXmlOptions {
  /** Direct-boot this kernel (e.g. a multiboot image); without it the guest has no boot device. */
  kernelPath?: string
  /** Allocate all guest memory at start (memoryBacking allocation immediate). */
  preallocateMemory?: boolean
}

/**
 * A minimal KVM guest for a spec: no disk, no NIC, serial and console to null, destroyed on
 * crash. Real guests come with their own XML (spec.xml); this one boots in any lab.
 */
export function domainXml (spec: DomainSpec, options: GuestXmlOptions = {}): string {
  const lines = [
    "<domain type='kvm'>",
    `  <name>${escapeXml(spec.name)}</name>`,
    ...(spec.uuid !== undefined ? [`  <uuid>${escapeXml(spec.uuid)}</uuid>`] : []),
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <currentMemory unit='MiB'>${spec.memoryMiB}</currentMemory>`,
    ...(options.preallocateMemory === true ? ["  <memoryBacking><allocation mode='immediate'/></memoryBacking>"] : []),
    `  <vcpu placement='static'>${spec.vcpus}</vcpu>`,
    '  <os>',
    '    <type>hvm</type>',
    ...(options.kernelPath !== undefined ? [`    <kernel>${escapeXml(options.kernelPath)}</kernel>`] : []),
    '  </os>',
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    "    <serial type='null'/>",
    "    <console type='null'/>",
    "    <memballoon model='virtio'/>",
    '  </devices>',
    '</domain>'
  ]
  return lines.join('\n') + '\n'
}
