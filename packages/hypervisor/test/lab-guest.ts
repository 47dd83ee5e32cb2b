// A guest for the KVM lab whose memory is full of non-zero pages, so live migration has real data
// to copy (zero pages are skipped, which would make every migration instant). It is a 60-byte
// multiboot image, direct-booted by QEMU: it writes one non-zero word into every 4 KiB page
// above 2 MiB, then halts with interrupts off.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const LOAD_ADDR = 0x100000

export function fillKernelImage (): Buffer {
  const magic = 0x1BADB002
  const flags = 0x00010002 // bit 1: memory info wanted; bit 16: load addresses below are valid
  const header = Buffer.alloc(32)
  const words = [magic, flags, (-(magic + flags)) >>> 0, LOAD_ADDR, LOAD_ADDR, 0, 0, LOAD_ADDR + 32]
  words.forEach((w, i) => header.writeUInt32LE(w >>> 0, i * 4))
  const code = Buffer.from([
    0xBF, 0x00, 0x00, 0x20, 0x00, //       mov edi, 0x200000         first page above 2 MiB
    0x8B, 0x4B, 0x08, //                   mov ecx, [ebx+8]          multiboot mem_upper (KiB above 1 MiB)
    0xC1, 0xE9, 0x02, //                   shr ecx, 2                -> pages
    0x81, 0xE9, 0x00, 0x01, 0x00, 0x00, // sub ecx, 256              minus the MiB below 2 MiB
    0xC7, 0x07, 0xA5, 0xA5, 0xA5, 0xA5, // fill: mov dword [edi], 0xA5A5A5A5
    0x81, 0xC7, 0x00, 0x10, 0x00, 0x00, // add edi, 4096
    0x49, //                               dec ecx
    0x75, 0xF1, //                         jnz fill
    0xFA, //                               cli
    0xF4, //                               halt: hlt
    0xEB, 0xFD //                          jmp halt
  ])
  return Buffer.concat([header, code])
}

/** Writes the image where every lab host's QEMU can read it (the lab's shared images directory). */
export function installFillKernel (path = '/var/tmp/lab/images/parley-hvtest-fill.mb'): string {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, fillKernelImage())
  return path
}
