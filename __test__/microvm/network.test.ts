// The network a guest may reach, in a real micro-VM: nothing by default; with `network.allow`, exactly the
// destinations listed — never loopback or the cloud-metadata address, whatever the list says. The servers
// run in this process on an address of this machine outside 127/8 (inside the test VM, 10.99.0.1, which its
// init gives `lo`), since the engine refuses loopback under every list. Never skipped.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { native } from '../helpers/native'

/**
 * An IPv4 address of this machine outside 127/8: an interface's own, else one given to `lo` (the test VM's
 * init gives it 10.99.0.1).
 */
function localAddress(): string {
  const all = Object.values(networkInterfaces()).flat()
  const ipv4 = (a: (typeof all)[number]) => a !== undefined && a.family === 'IPv4' && !a.address.startsWith('127.')
  const found = all.find((a) => ipv4(a) && !a!.internal) ?? all.find(ipv4)
  if (!found) throw new Error('this machine has no IPv4 address outside 127/8 to serve the guest from')
  return found.address
}

function serve(host: string, body: string): Promise<Server> {
  const server = createServer((_, res) => res.end(body))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve(server))
  })
}

const port = (s: Server) => (s.address() as AddressInfo).port

/** Python that fetches each URL and prints the body or the error's class. */
const fetchAll = (urls: string[]) =>
  [
    'import urllib.request',
    `for url in ${JSON.stringify(urls)}:`,
    '    try:',
    '        print(urllib.request.urlopen(url, timeout=10).read().decode())',
    '    except Exception as e:',
    '        print("refused", type(e).__name__)',
  ].join('\n')

describe('network access from a micro-VM', () => {
  let host = ''
  let allowed: Server
  let otherPort: Server
  let loopback: Server

  beforeAll(async () => {
    host = localAddress()
    allowed = await serve(host, 'hello from the allowed server')
    otherPort = await serve(host, 'the same host, another port')
    loopback = await serve('127.0.0.1', 'a loopback service')
  })

  afterAll(() => {
    for (const s of [allowed, otherPort, loopback]) s?.close()
  })

  it('reaches an allowed host:port, and nothing else: its other port, loopback and metadata stay refused even when listed', async () => {
    const sandbox = new native.NanvixSandbox({
      pythonImage: 'standard',
      timeoutMs: 60_000,
      network: { allow: [`${host}:${port(allowed)}`, '127.0.0.1', '169.254.169.254'] },
    })
    const r = await sandbox.runCode(
      fetchAll([
        `http://${host}:${port(allowed)}/`,
        `http://${host}:${port(otherPort)}/`,
        `http://127.0.0.1:${port(loopback)}/`,
        'http://169.254.169.254/latest/meta-data/',
      ]),
      'python',
    )
    expect(r.error).toBeUndefined()
    const lines = r.output.trim().split('\n')
    expect(lines[0]).toBe('hello from the allowed server')
    expect(lines.slice(1)).toHaveLength(3)
    for (const line of lines.slice(1)) expect(line).toMatch(/^refused /)
  })

  it('refuses an address that is not listed, and everything without network.allow (the default)', async () => {
    const elsewhere = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000, network: { allow: ['10.1.2.3'] } })
    const unlisted = await elsewhere.runCode(fetchAll([`http://${host}:${port(allowed)}/`]), 'python')
    expect(unlisted.output).toMatch(/^refused /)
    const none = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000 })
    const r = await none.runCode(fetchAll([`http://${host}:${port(allowed)}/`]), 'python')
    expect(r.output).toMatch(/^refused /)
  })

  it('rejects a malformed entry when the sandbox is made', () => {
    expect(() => new native.NanvixSandbox({ network: { allow: ['http://example.com'] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('http://example.com') }),
    )
  })
})
