import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generatePrivateKey, generateSwarmKey, loadPrivateKey, parsePublicKey, parseSwarmKey, peerIdOf, serialisePrivateKey, signComponent } from '../src/index.js'
import { signatureValid } from '../src/core/component-signature.js'

describe('keys', () => {
  it('serialises and reloads a host key with the same peer id', async () => {
    const key = await generatePrivateKey()
    const text = serialisePrivateKey(key)
    const again = loadPrivateKey(`${text}\n`)
    assert.equal(peerIdOf(again), peerIdOf(key))
    assert.match(peerIdOf(key), /^12D3KooW/)
  })

  it('refuses a corrupt host key with DISC_BAD_KEY and a hint', () => {
    assert.throws(() => loadPrivateKey('not a key'), (e: any) => e.code === 'DISC_BAD_KEY' && typeof e.hint === 'string')
  })

  it('generates swarm keys in the standard format and parses them back', () => {
    const text = generateSwarmKey()
    assert.match(text, /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
    assert.equal(new TextDecoder().decode(parseSwarmKey(text)), text)
    assert.notEqual(generateSwarmKey(), text)
  })

  it('accepts CRLF, a trailing newline and upper-case hex, canonicalised', () => {
    const text = generateSwarmKey()
    const messy = text.replace(/\n/g, '\r\n').replace(/[0-9a-f]{64}$/, h => h.toUpperCase()) + '\r\n'
    assert.equal(new TextDecoder().decode(parseSwarmKey(messy)), text)
  })

  it('refuses malformed swarm keys with DISC_BAD_KEY', () => {
    const good = generateSwarmKey()
    for (const bad of ['', good.replace('/base16/', '/base64/'), good.replace('/key/swarm/psk/1.0.0/', '/key/other/'), good.slice(0, -2), good.slice(0, -1) + 'g']) {
      assert.throws(() => parseSwarmKey(bad), (e: any) => e.code === 'DISC_BAD_KEY' && /swarm key/.test(e.message))
    }
  })

  it('signs components so that only the signed bytes verify', async () => {
    const key = await generatePrivateKey()
    const bytes = new TextEncoder().encode('component')
    const sig = await signComponent(bytes, key)
    assert.equal(sig.publicKey, key.publicKey.toString())
    assert.equal(await signatureValid(bytes, sig), true)
    assert.equal(await signatureValid(new TextEncoder().encode('componenT'), sig), false)
    assert.equal(await signatureValid(bytes, { ...sig, signature: 'AAAA' }), false)
    assert.equal(parsePublicKey(sig.publicKey).toString(), sig.publicKey)
    assert.throws(() => parsePublicKey('nope'), (e: any) => e.code === 'DISC_BAD_KEY')
  })
})
