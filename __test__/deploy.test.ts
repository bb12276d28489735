// The deployment definitions (issue 11 §4): the Kubernetes manifests under deploy/kubernetes/ and the
// Dockerfile, checked offline — no cluster and no kubectl needed.
// - Every manifest document is valid against the Kubernetes API's schemas (kubernetes-models bundles them
//   per kind), and has no field the API does not define (TypeScript's excess-property check against the
//   same package's types, as kubectl's strict field validation refuses unknown fields).
// - What users rely on: the probes reach /healthz on the server's port, the Service routes to that port, the
//   HPA scales the Deployment, requests fit in limits, KVM comes from the device plugin, the token is the
//   file the image's command reads, the container runs as the image's non-root user.
// - The Dockerfile's key properties (a light lint: hadolint is not on npm), and an image build where a
//   container runtime (docker or podman with a daemon that answers, or buildah) exists.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, posix } from 'node:path'

import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..')
const MANIFESTS = join(ROOT, 'deploy', 'kubernetes')

// ---------------------------------------------------------------------------------------------------------
// Reading the files

type Obj = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** One YAML document of a manifest file. */
interface Manifest {
  file: string
  doc: Obj
}

/** Every document of every deploy/kubernetes/*.yaml, read as kubectl reads them (YAML 1.1: 0440 is octal). */
function manifests(): Manifest[] {
  const out: Manifest[] = []
  for (const file of readdirSync(MANIFESTS).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const d of parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8'), { version: '1.1' })) {
      if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`)
      const doc = d.toJS()
      if (doc !== null) out.push({ file, doc })
    }
  }
  return out
}

/** The one document of `kind`. */
function only(all: Manifest[], kind: string): Obj {
  const found = all.filter((m) => m.doc.kind === kind)
  expect(found.map((m) => m.file), `exactly one ${kind}`).toHaveLength(1)
  return found[0].doc
}

/** The kubernetes-models module path of a kind: `apps/v1` + `Deployment` → kubernetes-models/apps/v1/Deployment. */
function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`
}

/** One Dockerfile instruction, its continuation lines joined. */
interface Instruction {
  op: string
  args: string
}

/** The Dockerfile's instructions, without comments. */
function dockerfile(text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): Instruction[] {
  const out: Instruction[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!pending && (line === '' || line.startsWith('#'))) continue
    if (pending && line.startsWith('#')) continue
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim()
    if (line.endsWith('\\')) continue
    const [, op, args] = pending.match(/^(\S+)\s*(.*)$/)!
    out.push({ op: op.toUpperCase(), args })
    pending = ''
  }
  return out
}

/** An exec-form argument list (`["a", "b"]`) of an instruction. */
function execForm(args: string): string[] {
  const list = JSON.parse(args)
  expect(Array.isArray(list) && list.every((a: unknown) => typeof a === 'string'), `exec form: ${args}`).toBe(true)
  return list
}

/** A resource quantity as a number: cores for CPU ('500m' → 0.5), bytes for memory ('3Gi'). */
function quantity(q: string | number): number {
  const m = String(q).match(/^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/)
  if (!m) throw new Error(`not a quantity: ${q}`)
  const unit = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2] ?? ''] ?? 1
  return Number(m[1]) * unit
}

/** The container port a probe's or Service's port designates (a number, or a port's name). */
function containerPort(container: Obj, port: string | number): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p: Obj) => p.containerPort === port) ? port : undefined
  return container.ports?.find((p: Obj) => p.name === port)?.containerPort
}

/** The value after `flag` in an argument list. */
function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag)
  return i >= 0 ? args[i + 1] : undefined
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes manifests

describe('deploy/kubernetes: valid against the Kubernetes API schemas', () => {
  const all = manifests()

  it('has a Deployment, a Service, a HorizontalPodAutoscaler and a PodDisruptionBudget', () => {
    expect(all.map((m) => m.doc.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'])
  })

  it('every document passes its kind\'s schema validation (kubernetes-models)', async () => {
    for (const { file, doc } of all) {
      const mod = await import(modelPath(doc.apiVersion, doc.kind))
      const Model = mod[doc.kind]
      expect(Model, `${file}: no model for ${doc.apiVersion} ${doc.kind}`).toBeTypeOf('function')
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind}`).not.toThrow()
    }
  })

  it('the validator refuses what the API refuses (a port as a word, a selector missing): the check above can fail', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment')
    const deployment = structuredClone(only(all, 'Deployment'))
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eighty'
    expect(() => new Deployment(deployment).validate()).toThrow(/containerPort must be integer/)
    const noSelector = structuredClone(only(all, 'Deployment'))
    delete noSelector.spec.selector
    expect(() => new Deployment(noSelector).validate()).toThrow(/selector/)
  })

  it('no document has a field the API does not define (TypeScript\'s excess-property check on the API types)', () => {
    // A misspelt field (`readynessProbe`) passes schema validation, is dropped by the API server and silently
    // changes nothing: kubectl's strict field validation refuses it, and so does this.
    const typeName = (kind: string) => `I${kind}`
    const check = (docs: Manifest[]) => {
      const dir = join(ROOT, '.cache', 'deploy-typecheck')
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      const lines = docs.map(({ doc }, i) => `export const doc${i}: ${typeName(doc.kind)} = ${JSON.stringify(doc, null, 2)}`)
      const imports = [...new Set(docs.map(({ doc }) => `import type { ${typeName(doc.kind)} } from '${modelPath(doc.apiVersion, doc.kind)}'`))]
      writeFileSync(join(dir, 'manifests.mts'), [...imports, ...lines].join('\n'))
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], skipLibCheck: true },
          files: ['manifests.mts'],
        }),
      )
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
      return { ok: r.status === 0, messages: `${r.stdout}${r.stderr}` }
    }
    const result = check(all)
    expect(result.messages).toBe('')
    expect(result.ok).toBe(true)
    // and the check can fail: a misspelt probe field is refused
    const misspelt = structuredClone(only(all, 'Deployment'))
    const container = misspelt.spec.template.spec.containers[0]
    container.readynessProbe = container.readinessProbe
    delete container.readinessProbe
    const refused = check([{ file: 'misspelt', doc: misspelt }])
    expect(refused.ok).toBe(false)
    expect(refused.messages).toMatch(/readynessProbe/)
  })
})

describe('deploy/kubernetes: what a deployment relies on', () => {
  const all = manifests()
  const deployment = only(all, 'Deployment')
  const pod = deployment.spec.template
  const [container] = pod.spec.containers
  const labels = pod.metadata.labels
  const cmd = execForm(dockerfile().findLast((i) => i.op === 'CMD')!.args)
  const serverPort = Number(flagValue(cmd, '--port'))

  it('the Deployment\'s selector matches its pods, and one container serves the image\'s port', () => {
    expect(pod.spec.containers).toHaveLength(1)
    for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) expect(labels[k], k).toBe(v)
    expect(container.ports.map((p: Obj) => p.containerPort)).toEqual([serverPort])
  })

  it('readiness and liveness probes GET /healthz on the server\'s port', () => {
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet?.path).toBe('/healthz')
      expect(containerPort(container, probe.httpGet.port)).toBe(serverPort)
    }
  })

  it('the Service selects the pods and targets the server\'s port', () => {
    const service = only(all, 'Service')
    for (const [k, v] of Object.entries(service.spec.selector)) expect(labels[k], k).toBe(v)
    expect(service.spec.ports).toHaveLength(1)
    expect(containerPort(container, service.spec.ports[0].targetPort)).toBe(serverPort)
  })

  it('the HorizontalPodAutoscaler scales this Deployment, between sane bounds', () => {
    const hpa = only(all, 'HorizontalPodAutoscaler')
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: deployment.apiVersion, kind: 'Deployment', name: deployment.metadata.name })
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1)
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas)
    // CPU utilisation is a share of the request: without a CPU request the HPA cannot compute it
    expect(hpa.spec.metrics.some((m: Obj) => m.resource?.name === 'cpu')).toBe(true)
    expect(container.resources.requests.cpu).toBeDefined()
  })

  it('the PodDisruptionBudget selects the pods and leaves fewer than the HPA\'s minimum to disrupt at once', () => {
    const pdb = only(all, 'PodDisruptionBudget')
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(labels[k], k).toBe(v)
    expect(pdb.spec.minAvailable).toBeLessThan(only(all, 'HorizontalPodAutoscaler').spec.minReplicas)
  })

  it('requests fit in limits, memory and CPU are both bounded, and KVM comes from the device plugin', () => {
    const { requests, limits } = container.resources
    for (const r of ['cpu', 'memory']) {
      expect(requests[r], `requests.${r}`).toBeDefined()
      expect(limits[r], `limits.${r}`).toBeDefined()
      expect(quantity(requests[r]), r).toBeLessThanOrEqual(quantity(limits[r]))
    }
    // an extended resource is requested by its limit (the API requires requests = limits for it)
    expect(limits['devices.kubevirt.io/kvm']).toBe('1')
  })

  it('runs as the image\'s non-root user, without privileges, on a read-only root with a writable /tmp', () => {
    const user = dockerfile().findLast((i) => i.op === 'USER')!.args.split(':')[0]
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true)
    expect(String(pod.spec.securityContext.runAsUser)).toBe(user)
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
    const tmp = container.volumeMounts.find((m: Obj) => m.mountPath === '/tmp')
    expect(pod.spec.volumes.find((v: Obj) => v.name === tmp?.name)?.emptyDir).toBeDefined()
  })

  it('the token Secret is mounted where the image\'s command reads it, readable by the user\'s group', () => {
    const tokenFile = flagValue(cmd, '--token-file')!
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === posix.dirname(tokenFile))
    expect(mount?.readOnly).toBe(true)
    const secret = pod.spec.volumes.find((v: Obj) => v.name === mount.name).secret
    expect(secret.secretName).toBeTruthy()
    expect(secret.items).toEqual([{ key: 'token', path: posix.basename(tokenFile) }])
    expect(secret.defaultMode & 0o040).toBe(0o040)
    expect(pod.spec.securityContext.fsGroup).toBe(pod.spec.securityContext.runAsGroup)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Dockerfile

describe('Dockerfile', () => {
  const steps = dockerfile()
  const last = (op: string) => steps.findLast((i) => i.op === op)
  const cmd = execForm(last('CMD')!.args)
  const port = flagValue(cmd, '--port')

  it('the reader handles continuation lines and comments inside them', () => {
    expect(dockerfile('FROM a\nRUN x \\\n  # note\n  && y\nUSER 1')).toEqual([
      { op: 'FROM', args: 'a' },
      { op: 'RUN', args: 'x && y' },
      { op: 'USER', args: '1' },
    ])
  })

  it('builds on Debian 12 slim with Node 24', () => {
    const from = steps.filter((i) => i.op === 'FROM')
    expect(from).toHaveLength(1)
    expect(from[0].args).toMatch(/^node:24(\.\d+)*-bookworm-slim(@sha256:[0-9a-f]{64})?$/)
  })

  it('runs as a non-root user, set after every step that needs root', () => {
    const user = last('USER')!.args.split(':')[0]
    expect(user).not.toMatch(/^(0|root)$/)
    expect(steps.findIndex((i) => i.op === 'USER')).toBeGreaterThan(steps.findLastIndex((i) => i.op === 'RUN'))
  })

  it('serves the MCP server over HTTP on all interfaces, on the port it EXPOSEs, with the token from a file', () => {
    expect(cmd.slice(0, 3)).toEqual(['local-code-interpreter', 'mcp', '--http'])
    expect(flagValue(cmd, '--host')).toBe('0.0.0.0')
    expect(last('EXPOSE')!.args).toBe(port)
    expect(flagValue(cmd, '--token-file')).toMatch(/^\/run\/secrets\//)
    expect(flagValue(cmd, '--environment')).toBe('hyperlight')
  })

  it('has a HEALTHCHECK that GETs /healthz on that port', () => {
    const check = last('HEALTHCHECK')!.args
    expect(check).toContain(`http://127.0.0.1:${port}/healthz`)
  })

  it('installs the packed tarballs, and .dockerignore admits nothing else into the build context', () => {
    const copies = steps.filter((i) => i.op === 'COPY' || i.op === 'ADD')
    expect(copies.map((c) => c.args.split(/\s+/)[0])).toEqual(['deploy/tarballs/'])
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
    expect(ignore).toEqual(['*', '!deploy/tarballs/*.tgz'])
  })

  it('uses only flags the CLI\'s `mcp --help` documents', () => {
    const help = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'mcp', '--help'], { encoding: 'utf8' })
    const text = `${help.stdout}${help.stderr}`
    for (const flag of cmd.filter((a) => a.startsWith('--'))) expect(text, flag).toContain(flag)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Building the image, where a container runtime exists

/** The first container runtime that can build here, or why there is none. */
function containerRuntime(): { cmd: string; build: string[] } | { none: string } {
  const why: string[] = []
  for (const cmd of ['docker', 'podman']) {
    const r = spawnSync(cmd, ['info'], { encoding: 'utf8', timeout: 20_000 })
    if (r.error) why.push(`no ${cmd}`)
    else if (r.status !== 0) why.push(`${cmd} is installed but \`${cmd} info\` fails (no daemon or socket)`)
    else return { cmd, build: ['build'] }
  }
  const b = spawnSync('buildah', ['--version'], { encoding: 'utf8' })
  if (!b.error && b.status === 0) return { cmd: 'buildah', build: ['bud'] }
  why.push('no buildah')
  return { none: why.join(', ') }
}

const runtime = containerRuntime()
describe('Dockerfile: the image builds', () => {
  it.skipIf('none' in runtime)(
    `builds from the packed tarballs and carries the user, port and health check${'none' in runtime ? ` (skipped: no container runtime here — ${runtime.none})` : ''}`,
    async () => {
      if ('none' in runtime) return
      const { packTarballs } = await import('../scripts/pack-tarballs.mjs')
      const tarballs = packTarballs(join(ROOT, 'deploy', 'tarballs'))
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
      expect(tarballs).toContain(`local-code-interpreter-${version}.tgz`)
      const tag = 'local-code-interpreter:deploy-test'
      execFileSync(runtime.cmd, [...runtime.build, '-t', tag, '-f', join(ROOT, 'Dockerfile'), ROOT], { stdio: 'inherit', timeout: 1_800_000 })
      if (runtime.cmd === 'buildah') return // built; buildah has no `run` of an image nor docker's inspect format
      const config = JSON.parse(execFileSync(runtime.cmd, ['image', 'inspect', '--format', '{{json .Config}}', tag], { encoding: 'utf8' }))
      const steps = dockerfile()
      expect(config.User).toBe(steps.findLast((i) => i.op === 'USER')!.args)
      expect(Object.keys(config.ExposedPorts ?? {})).toEqual([`${steps.findLast((i) => i.op === 'EXPOSE')!.args}/tcp`])
      expect(JSON.stringify(config.Healthcheck)).toContain('/healthz')
      // the installed CLI runs in the image, as its user (without /dev/kvm: only --help)
      const out = execFileSync(runtime.cmd, ['run', '--rm', tag, 'local-code-interpreter', '--help'], { encoding: 'utf8' })
      expect(out).toContain('mcp')
    },
  )
})
