// The network a guest may reach, in a real micro-VM: nothing by default; with `network.allow`, exactly the
// destinations listed — never loopback or the cloud-metadata address, whatever the list says. The servers
// run in this process on an address of this machine outside 127/8 (inside the test VM, 10.99.0.1, which its
// init gives `lo`), since the engine refuses loopback under every list. Never skipped.
import { createServer, type RequestListener, type Server } from 'node:http'
import { gzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localAddress } from '../helpers/local-address'
import { native } from '../helpers/native'

function serve(host: string, body: string | RequestListener): Promise<Server> {
  const server = createServer(typeof body === 'string' ? (_, res) => res.end(body) : body)
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

  it("reads 0.0.0.0/0 as the public internet: this host's own address is reached only when listed, from Python and fetch", async () => {
    const url = `http://${host}:${port(allowed)}/`
    const broad = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000, network: { allow: ['0.0.0.0/0', '::/0'] } })
    expect((await broad.runCode(fetchAll([url]), 'python')).output).toMatch(/^refused /)
    const js = await broad.runCode(`try { await fetch('${url}'); console.log('reached') } catch (e) { console.log(e.name, e.message) }`, 'javascript')
    expect(js.output).toMatch(/^TypeError .*only an exact entry opens/)
    const listed = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000, network: { allow: ['0.0.0.0/0', host] } })
    expect((await listed.runCode(fetchAll([url]), 'python')).output).toBe('hello from the allowed server\n')
  })

  it('rejects a malformed entry when the sandbox is made', () => {
    expect(() => new native.NanvixSandbox({ network: { allow: ['http://example.com'] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('http://example.com') }),
    )
  })
})

/** An HTTP API for fetch: echoes requests, redirects, serves gzip and large bodies. */
const api: RequestListener = (req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/echo') {
      res.setHeader('content-type', 'application/json')
      res.setHeader('x-reply', 'yes')
      res.end(JSON.stringify({ method: req.method, path: req.url, header: req.headers['x-test'] ?? null, host: req.headers.host, length: body.length, sha: body.toString('base64').slice(0, 12) }))
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/echo' }).end()
    } else if (url.pathname === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(gzipSync('unzipped text'))
    } else if (url.pathname === '/big') {
      res.end(Buffer.alloc(Number(url.searchParams.get('n')), 'ab'))
    } else res.writeHead(404).end('not found')
  })
}

describe('fetch from the JavaScript guest', () => {
  let host = ''
  let server: Server
  let otherPort: Server
  let loopback: Server
  let sandbox: InstanceType<typeof native.NanvixSandbox>

  beforeAll(async () => {
    host = localAddress()
    server = await serve(host, api)
    otherPort = await serve(host, 'the same host, another port')
    loopback = await serve('127.0.0.1', 'a loopback service')
    sandbox = new native.NanvixSandbox({
      timeoutMs: 60_000,
      network: { allow: [`${host}:${port(server)}`, `127.0.0.1:${port(loopback)}`, '169.254.169.254', 'listed.invalid'] },
    })
  })

  afterAll(() => {
    for (const s of [server, otherPort, loopback]) s?.close()
  })

  it('sends a request and reads the response: method, headers, JSON body, status', async () => {
    const base = `http://${host}:${port(server)}`
    const r = await sandbox.runCode(
      [
        `const res = await fetch('${base}/echo?q=1', { method: 'post', headers: { 'X-Test': 'abc', Host: 'evil.example' }, body: JSON.stringify({ a: 1 }) })`,
        'console.log(res.status, res.ok, res.headers.get("x-reply"), res.headers.get("content-type"))',
        'console.log(JSON.stringify(await res.json()))',
        `const missing = await fetch('${base}/nope')`,
        'console.log(missing.status, missing.ok, await missing.text())',
      ].join('\n'),
      'javascript',
    )
    expect(r.error).toBeUndefined()
    const [first, second, third] = r.output.trim().split('\n')
    expect(first).toBe('200 true yes application/json')
    expect(JSON.parse(second)).toMatchObject({ method: 'POST', path: '/echo?q=1', header: 'abc', host: `${host}:${port(server)}`, length: 7 })
    expect(third).toBe('404 false not found')
  })

  it("is refused the same host's other port, unlisted addresses and names, and loopback and metadata even when listed", async () => {
    const urls = [
      `http://${host}:${port(otherPort)}/`,
      'http://10.1.2.3/',
      'http://unlisted.invalid/',
      `http://127.0.0.1:${port(loopback)}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://localhost:${port(loopback)}/`,
      'file:///etc/passwd',
    ]
    const r = await sandbox.runCode(
      `for (const url of ${JSON.stringify(urls)}) { try { await fetch(url); console.log('reached', url) } catch (e) { console.log(e.name, e.message) } }`,
      'javascript',
    )
    expect(r.error).toBeUndefined()
    const lines = r.output.trim().split('\n')
    expect(lines).toHaveLength(urls.length)
    for (const line of lines) expect(line).toMatch(/^TypeError fetch failed: /)
    expect(lines[0]).toContain('not on this sandbox')
    expect(lines[3]).toContain('never reaches')
    expect(lines[4]).toContain('never reaches')
  })

  it('follows a redirect within the list, and refuses one that leads to loopback', async () => {
    const base = `http://${host}:${port(server)}`
    const r = await sandbox.runCode(
      [
        `const ok = await fetch('${base}/redirect?to=/echo')`,
        'console.log(ok.redirected, ok.url, (await ok.json()).path)',
        `try { await fetch('${base}/redirect?to=' + encodeURIComponent('http://127.0.0.1:${port(loopback)}/')) } catch (e) { console.log(e.message) }`,
        `const manual = await fetch('${base}/redirect', { redirect: 'manual' })`,
        'console.log(manual.status, manual.headers.get("location"))',
      ].join('\n'),
      'javascript',
    )
    expect(r.error).toBeUndefined()
    const lines = r.output.trim().split('\n')
    expect(lines[0]).toBe(`true ${base}/echo /echo`)
    expect(lines[1]).toMatch(/fetch failed: .*never reaches/)
    expect(lines[2]).toBe('302 /echo')
  })

  it('decodes gzip, and carries bodies larger than one host call both ways', async () => {
    const base = `http://${host}:${port(server)}`
    const r = await sandbox.runCode(
      [
        `console.log(await (await fetch('${base}/gzip')).text())`,
        `const big = await (await fetch('${base}/big?n=300000')).arrayBuffer()`,
        'console.log(big.byteLength)',
        `const sent = await (await fetch('${base}/echo', { method: 'PUT', body: new Uint8Array(200000).fill(7) })).json()`,
        'console.log(sent.length)',
        `const blob = await (await fetch(new URL('/echo', '${base}'), { method: 'POST', body: new Blob(['abc'], { type: 'text/x-test' }) })).json()`,
        'console.log(blob.length)',
      ].join('\n'),
      'javascript',
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('unzipped text\n300000\n200000\n3\n')
  })

  it('is refused at once in a sandbox without network.allow (the default)', async () => {
    const none = new native.NanvixSandbox({ timeoutMs: 60_000 })
    const r = await none.runCode(
      `try { await fetch('http://${host}:${port(server)}/echo') } catch (e) { console.log(e.name, e.message) }`,
      'javascript',
    )
    expect(r.output).toMatch(/^TypeError fetch failed: the network is off/)
  })
})
