// @ts-check
// Makes one HTTP exchange for the JavaScript guest's fetch (crates/sandbox/src/host/fetch.rs decides what
// may be fetched; this only carries it out). It gets the request as JSON text: the URL's parts as the
// core parsed them, the only addresses it may connect to, headers, a base64 body, a time limit and the
// most response bytes to accept; it returns `{ status, statusText, headers, body }` as JSON text.
// Node's own http and https: the connection goes to one of the given addresses whatever the name
// resolves to now (the `lookup` below answers for it), TLS checks the certificate against the name,
// redirects are left to the core, and gzip, deflate and brotli bodies are decoded within the limit.
/** @type {import('./contracts').Exchange} */
((requestJson) => {
  /** @type {import('./contracts').Outgoing} */
  const request = JSON.parse(requestJson)
  const http = process.getBuiltinModule(request.protocol === 'https:' ? 'node:https' : 'node:http')
  const zlib = process.getBuiltinModule('node:zlib')
  const { isIP } = process.getBuiltinModule('node:net')
  const addresses = request.addresses.map((address) => ({ address, family: isIP(address) }))
  /** @type {(name: string, options: { all?: boolean }, callback: (...args: any[]) => void) => void} */
  const lookup = (_name, options, callback) => {
    if (options && options.all) callback(null, addresses)
    else callback(null, addresses[0].address, addresses[0].family)
  }
  /** @type {Record<string, string>} */
  const headers = {}
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase()
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value
  }
  headers['user-agent'] ??= 'local-code-interpreter'
  headers['accept'] ??= '*/*'
  headers['accept-encoding'] ??= 'gzip, deflate, br'
  const body = Buffer.from(request.body, 'base64')
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: request.host,
        port: request.port,
        path: request.path,
        method: request.method,
        headers,
        lookup,
        agent: false,
        signal: AbortSignal.timeout(Math.max(1, request.timeoutMs)),
      },
      (res) => {
        const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase()
        /** @type {Record<string, () => import('node:stream').Transform>} */
        const decoders = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }
        const stream = decoders[encoding] ? res.pipe(decoders[encoding]()) : res
        /** @type {Buffer[]} */
        const chunks = []
        let size = 0
        stream.on('data', (/** @type {Buffer} */ chunk) => {
          size += chunk.length
          if (size > request.maxBytes) {
            req.destroy()
            stream.destroy()
            reject(new Error(`the response body is larger than ${request.maxBytes} bytes`))
          } else chunks.push(chunk)
        })
        stream.on('error', (/** @type {Error} */ e) => reject(e))
        stream.on('end', () => {
          const pairs = []
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]
            // The body is handed over decoded, so what described its encoding no longer applies.
            if (decoders[encoding] && /^content-(encoding|length)$/i.test(name)) continue
            pairs.push([name, res.rawHeaders[i + 1]])
          }
          resolve(JSON.stringify({ status: res.statusCode, statusText: res.statusMessage ?? '', headers: pairs, body: Buffer.concat(chunks).toString('base64') }))
        })
      },
    )
    req.on('error', (e) => reject(e.name === 'AbortError' || e.name === 'TimeoutError' ? new Error('the request ran out of time') : e))
    req.end(body.length || !['GET', 'HEAD'].includes(request.method) ? body : undefined)
  })
})
