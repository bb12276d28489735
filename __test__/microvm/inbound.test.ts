// Inbound connections and what a guest may hold on the host, in a real micro-VM (issue 23): no guest can
// listen or accept unless a port is exposed; an exposed port is served on this host's loopback at a port the
// host picks, and nowhere else; a guest stops at its socket budget with EMFILE while another run goes on
// normally, and the process's descriptors come back when the run ends. The servers of this process run on an
// address of this machine outside 127/8 (10.99.0.1 in the test VM), as in network.test.ts. Never skipped.
import { readdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createSocket } from 'node:dgram'
import { connect, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localAddress } from '../helpers/local-address'
import { native } from '../helpers/native'
import { DEFAULT_MAX_SOCKETS } from '../../src/generated/core-facts'

/** How a TCP connect from this process to `host:port` ends: `connected`, or the error's code. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 10_000 })
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
    s.once('timeout', () => {
      s.destroy()
      resolve('timeout')
    })
  })
}

const openDescriptors = () => readdirSync('/proc/self/fd').length

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 120_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const got = probe()
    if (got !== undefined) return got
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('inbound connections and the socket budget in a micro-VM', () => {
  let host = ''
  let server: Server
  /** Ends the response to the guest's `/hold` request. */
  let release: () => void = () => {}
  let sandbox: InstanceType<typeof native.NanvixSandbox>

  beforeAll(async () => {
    host = localAddress()
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/hold') release = () => res.end('released')
      else res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    sandbox = new native.NanvixSandbox({
      pythonImage: 'standard',
      timeoutMs: 240_000,
      maxConcurrency: 2,
      network: { allow: [`${host}:${(server.address() as AddressInfo).port}`], expose: [8000] },
    })
  })

  afterAll(() => server?.close())

  const serverPort = () => (server.address() as AddressInfo).port

  it('refuses listen and accept in Python on 0.0.0.0, ::, 127.0.0.1 and the host address, and bind to a port not exposed', async () => {
    const r = await sandbox.runCode(
      [
        'import errno, socket',
        'def attempt(family, addr):',
        '    s = socket.socket(family, socket.SOCK_STREAM)',
        '    try:',
        '        s.bind(addr)',
        '    except OSError as e:',
        '        return "bind " + errno.errorcode[e.errno]',
        '    try:',
        '        s.listen(4)',
        '        return "listening"',
        '    except OSError as e:',
        '        pass',
        '    s.setblocking(False)',
        '    try:',
        '        s.accept()',
        '        return "accepted"',
        '    except OSError as e:',
        '        return "listen refused, accept " + errno.errorcode.get(e.errno, str(e.errno))',
        `for family, addr in [(socket.AF_INET, ("0.0.0.0", 0)), (socket.AF_INET6, ("::", 0)), (socket.AF_INET, ("127.0.0.1", 0)), (socket.AF_INET, ("${host}", 0)), (socket.AF_INET, ("0.0.0.0", 8099))]:`,
        '    print(addr[0], attempt(family, addr))',
        'try:',
        '    socket.socket().listen(1)',
        'except PermissionError as e:',
        '    print("PermissionError", e.errno)',
      ].join('\n'),
      'python',
    )
    expect(r.error).toBeUndefined()
    const lines = r.output.trim().split('\n')
    for (const [i, addr] of ['0.0.0.0', '::', '127.0.0.1', host].entries()) expect(lines[i]).toMatch(new RegExp(`^${addr.replace(/\./g, '\\.')} listen refused, accept \\w+$`))
    expect(lines[4]).toBe('0.0.0.0 bind EACCES')
    expect(lines[5]).toBe('PermissionError 13')
  })

  it('refuses listen and accept in C', async () => {
    const r = await sandbox.runCode(
      `#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
int main(void) {
  const char *addrs[] = {"0.0.0.0", "127.0.0.1", "${host}"};
  for (int i = 0; i < 3; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, addrs[i], &a.sin_addr);
    int b = bind(s, (struct sockaddr *)&a, sizeof a);
    int l = listen(s, 4);
    int listen_errno = errno;
    fcntl(s, F_SETFL, O_NONBLOCK);
    int c = accept(s, 0, 0);
    printf("%s bind=%d listen=%d %s accept=%d\\n", addrs[i], b, l, l ? (listen_errno == EACCES ? "EACCES" : strerror(listen_errno)) : "-", c);
    close(s);
  }
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_any;
  int b6 = bind(s6, (struct sockaddr *)&a6, sizeof a6);
  int l6 = listen(s6, 4);
  printf(":: bind=%d listen=%d %s\\n", b6, l6, l6 && errno == EACCES ? "EACCES" : "-");
  return 0;
}`,
      'c',
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe(
      [
        '0.0.0.0 bind=0 listen=-1 EACCES accept=-1',
        '127.0.0.1 bind=0 listen=-1 EACCES accept=-1',
        `${host} bind=0 listen=-1 EACCES accept=-1`,
        ':: bind=0 listen=-1 EACCES',
        '',
      ].join('\n'),
    )
  })

  it('leaves a socket the guest bound unreachable from outside, on loopback and on the host address', async () => {
    const session = sandbox.session('python')
    try {
      const r = await session.runCode(
        [
          'import socket',
          'kept = socket.socket()',
          'kept.bind(("0.0.0.0", 0))',
          'try:',
          '    kept.listen(4)',
          'except OSError as e:',
          '    pass',
          'print(kept.getsockname()[1])',
        ].join('\n'),
      )
      expect(r.error).toBeUndefined()
      const bound = Number(r.output.trim())
      expect(bound).toBeGreaterThan(0)
      // The socket is still held by the session's guest: bound on the host, never listening.
      expect(await tryConnect('127.0.0.1', bound)).toBe('ECONNREFUSED')
      expect(await tryConnect(host, bound)).toBe('ECONNREFUSED')
    } finally {
      await session.close()
    }
  })

  it('takes datagrams only from where the guest sent them: a stranger who learnt its port is not heard', async () => {
    // The allowed destination's port, over UDP: a peer that answers, and makes a stranger write first.
    const peer = createSocket('udp4')
    const stranger = createSocket('udp4')
    await new Promise<void>((resolve) => peer.bind(serverPort(), host, resolve))
    peer.on('message', (_, from) => {
      stranger.send('command', from.port, from.address, () => setTimeout(() => peer.send('pong', from.port, from.address), 300))
    })
    try {
      const r = await sandbox.runCode(
        [
          'import socket',
          'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
          `u.sendto(b"ping", ("${host}", ${serverPort()}))`,
          'u.settimeout(8)',
          'got = []',
          'try:',
          '    while True:',
          '        got.append(u.recvfrom(100)[0].decode())',
          'except socket.timeout:',
          '    pass',
          'print(got)',
        ].join('\n'),
        'python',
      )
      expect(r.error).toBeUndefined()
      expect(r.output).toBe("['pong']\n")
    } finally {
      peer.close()
      stranger.close()
    }
  })

  it('serves an exposed port on the loopback endpoint the session reports, and nowhere else', async () => {
    const session = sandbox.session('python')
    try {
      expect(() => session.portEndpoint(9000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_EXPOSED' }))
      expect(() => session.portEndpoint(8000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_NOT_LISTENING' }))
      const run = session.runCode(
        [
          'import errno, socket',
          's = socket.socket()',
          's.bind(("0.0.0.0", 8000))',
          's.listen(8)',
          's.settimeout(200)',
          'try:',
          '    socket.socket().bind(("0.0.0.0", 8001))',
          'except OSError as e:',
          '    print("8001", errno.errorcode[e.errno])',
          'c, peer = s.accept()',
          'c.recv(4096)',
          'body = b"hello from the guest"',
          'c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s" % (len(body), body))',
          'c.close()',
          'print("served", peer[0])',
        ].join('\n'),
      )
      const endpoint = await waitFor('the exposed port to listen', () => {
        try {
          return session.portEndpoint(8000)
        } catch (e) {
          if ((e as { code?: string }).code !== 'ERR_PORT_NOT_LISTENING') throw e
          return undefined
        }
      })
      const url = new URL(endpoint)
      expect(url.protocol).toBe('http:')
      expect(url.hostname).toBe('127.0.0.1')
      expect(Number(url.port)).not.toBe(8000)
      // Not on the guest's own port number, on any address of this host.
      expect(await tryConnect(host, 8000)).toBe('ECONNREFUSED')
      expect(await tryConnect('127.0.0.1', 8000)).toBe('ECONNREFUSED')
      // The host's loopback port is bound to 127.0.0.1 only: not reachable on the host's other address.
      expect(await tryConnect(host, Number(url.port))).toBe('ECONNREFUSED')
      const response = await fetch(endpoint)
      expect(await response.text()).toBe('hello from the guest')
      const r = await run
      expect(r.error).toBeUndefined()
      expect(r.output).toBe('8001 EACCES\nserved 127.0.0.1\n')
    } finally {
      await session.close()
    }
  })

  it('stops a guest at its socket budget with EMFILE while another run opens files and sockets, and gives the descriptors back', async () => {
    // Warm both guests first, so the baseline counts what the sandbox holds anyway.
    await Promise.all([sandbox.runCode('print(1)', 'python'), sandbox.runCode('print(2)', 'python')])
    await new Promise((r) => setTimeout(r, 2000))
    const baseline = openDescriptors()
    let full = ''
    let held = 0
    const hog = sandbox.runCode(
      [
        'import errno, socket',
        `w = socket.create_connection(("${host}", ${serverPort()}), timeout=200)`,
        'w.sendall(b"GET /hold HTTP/1.0\\r\\n\\r\\n")',
        'held = []',
        'try:',
        '    while True:',
        '        held.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))',
        'except OSError as e:',
        '    print("full", len(held) + 1, errno.errorcode.get(e.errno, e.errno), flush=True)',
        'print(w.recv(4096).split(b"\\r\\n\\r\\n")[-1].decode())',
      ].join('\n'),
      'python',
      {
        onStdout: (chunk) => {
          full += chunk
          if (full.includes('full') && held === 0) held = openDescriptors()
        },
      },
    )
    await waitFor('the guest to reach its budget', () => (full.includes('full') ? true : undefined), 200_000)
    // While it holds its whole budget, another run in the same process works normally.
    const other = await sandbox.runCode(
      [
        'import socket, urllib.request',
        'files = [open(f"/tmp/f{i}", "w") for i in range(50)]',
        'socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(20)]',
        `print(urllib.request.urlopen("http://${host}:${serverPort()}/", timeout=60).read().decode(), len(files), len(socks))`,
      ].join('\n'),
      'python',
    )
    expect(other.error).toBeUndefined()
    expect(other.output).toBe('ok 50 20\n')
    release()
    const r = await hog
    expect(r.error).toBeUndefined()
    expect(r.output).toBe(`full ${DEFAULT_MAX_SOCKETS} EMFILE\nreleased\n`)
    // The host held them while the guest did…
    expect(held).toBeGreaterThanOrEqual(baseline + DEFAULT_MAX_SOCKETS - 8)
    // …and gives them back once the run has ended (its guest is restored right after).
    await waitFor('descriptors back to the baseline', () => (openDescriptors() <= baseline + 8 ? true : undefined), 60_000)
  })
})
