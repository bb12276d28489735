// The system-package step of `npm run demo` / `npm test` / .ci/run (scripts/system-packages.mjs): what it
// decides from what is installed, root or not, sudo or not, and what it runs, with the machine faked.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
// @ts-expect-error: a plain .mjs script without types
import * as sp from '../scripts/system-packages.mjs'

interface Pkg {
  name: string
  commands: string[]
  need: 'build' | 'vm'
  why: string
}
interface Plan {
  action: 'none' | 'install' | 'warn' | 'stop'
  missing: string[]
  message: string
  commands?: string[][]
}
const SYSTEM_PACKAGES = sp.SYSTEM_PACKAGES as readonly Pkg[]
const planSystemPackages = sp.planSystemPackages as (facts: {
  installed: Set<string> | null
  root: boolean
  sudo?: boolean
  onPath?: (command: string) => boolean
  packages?: readonly Pkg[]
}) => Plan

const ALL = SYSTEM_PACKAGES.map((p) => p.name)
const allBut = (...absent: string[]) => new Set(ALL.filter((n) => !absent.includes(n)))

describe('the package list', () => {
  it('has the build, test and VM-harness packages, each once, each for build or vm', () => {
    expect(ALL).toEqual(expect.arrayContaining(['gcc', 'g++', 'libc6-dev', 'cpio', 'dpkg', 'apt', 'qemu-system-x86', 'busybox-static']))
    expect(new Set(ALL).size).toBe(ALL.length)
    for (const p of SYSTEM_PACKAGES) expect(['build', 'vm'], p.name).toContain(p.need)
    expect(SYSTEM_PACKAGES.filter((p) => p.need === 'vm').map((p) => p.name).sort()).toEqual(['busybox-static', 'qemu-system-x86'])
  })

  it("covers every command guest/build.sh `need`s (cargo comes with the Rust toolchain)", () => {
    const script = readFileSync(join(__dirname, '..', 'guest', 'build.sh'), 'utf8')
    const needed = new Set([...script.matchAll(/^\s*need ([a-z0-9 -]+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/)))
    expect(needed.size).toBeGreaterThan(3)
    const provided = new Set([...SYSTEM_PACKAGES.flatMap((p) => p.commands), 'cargo'])
    expect([...needed].filter((c) => !provided.has(c))).toEqual([])
  })
})

describe('planSystemPackages (pure)', () => {
  it('does nothing when everything is installed, root or not', () => {
    for (const root of [true, false]) {
      expect(planSystemPackages({ installed: new Set(ALL), root })).toEqual({ action: 'none', missing: [], message: '' })
    }
  })

  it('as root: apt-get update, then apt-get install of exactly the missing packages', () => {
    const plan = planSystemPackages({ installed: allBut('cpio', 'qemu-system-x86'), root: true, sudo: false })
    expect(plan.action).toBe('install')
    expect(plan.missing).toEqual(['cpio', 'qemu-system-x86'])
    expect(plan.commands).toEqual([
      ['apt-get', 'update', '-q'],
      ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'cpio', 'qemu-system-x86'],
    ])
    expect(plan.message).toContain('apt-get update && apt-get install -y --no-install-recommends cpio qemu-system-x86')
  })

  it('not root but with passwordless sudo: the same through sudo -n, non-interactive', () => {
    const plan = planSystemPackages({ installed: allBut('gcc'), root: false, sudo: true })
    expect(plan.action).toBe('install')
    expect(plan.commands).toEqual([
      ['sudo', '-n', 'apt-get', 'update', '-q'],
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', 'gcc'],
    ])
  })

  it('not root, no sudo, a build package missing: stops with one line giving the exact command', () => {
    const plan = planSystemPackages({ installed: allBut('cpio', 'busybox-static'), root: false, sudo: false })
    expect(plan.action).toBe('stop')
    expect(plan.missing).toEqual(['cpio', 'busybox-static'])
    expect(plan.message).not.toContain('\n')
    expect(plan.message).toContain('run: sudo apt-get update && sudo apt-get install -y --no-install-recommends cpio busybox-static')
  })

  it('not root, no sudo, only the VM harness packages missing: goes on with a warning that says when they matter', () => {
    const plan = planSystemPackages({ installed: allBut('qemu-system-x86', 'busybox-static'), root: false, sudo: false })
    expect(plan.action).toBe('warn')
    expect(plan.missing).toEqual(['qemu-system-x86', 'busybox-static'])
    expect(plan.message).toContain('cannot run micro-VMs natively')
    expect(plan.message).toContain('sudo apt-get install -y --no-install-recommends qemu-system-x86 busybox-static')
  })

  it('without dpkg-query: goes on when the commands are on PATH, and says what is needed', () => {
    const plan = planSystemPackages({ installed: null, root: true, onPath: () => true })
    expect(plan.action).toBe('warn')
    expect(plan.missing).toEqual([])
    expect(plan.message).toContain('not a Debian system')
    expect(plan.message).toContain(SYSTEM_PACKAGES.filter((p) => p.need === 'build').map((p) => p.name).join(' '))
  })

  it('without dpkg-query: stops when a build command is not on PATH, naming it', () => {
    const plan = planSystemPackages({ installed: null, root: true, onPath: (c) => c !== 'cpio' })
    expect(plan.action).toBe('stop')
    expect(plan.missing).toEqual(['cpio'])
    expect(plan.message).toContain('cpio not on PATH')
  })

  it('without dpkg-query: only the VM harness commands absent is a warning', () => {
    const plan = planSystemPackages({ installed: null, root: false, onPath: (c) => c !== 'qemu-system-x86_64' })
    expect(plan.action).toBe('warn')
    expect(plan.missing).toEqual(['qemu-system-x86'])
  })
})

describe('ensureSystemPackages (machine faked)', () => {
  const ensure = sp.ensureSystemPackages as (opts: object) => Promise<{ ok: boolean; action: string; missing: string[]; message: string }>

  function machine({ installed, root, sudo = false }: { installed: Set<string> | null; root: boolean; sudo?: boolean }) {
    const state = { installed }
    const probe = {
      installed: vi.fn(() => (state.installed ? new Set(state.installed) : null)),
      root: vi.fn(() => root),
      sudo: vi.fn(() => sudo),
      onPath: vi.fn(() => true),
    }
    const ran: string[][] = []
    return { state, probe, ran, log: vi.fn() }
  }

  it('installs as root, runs the commands in order, checks again, and never asks sudo', async () => {
    const m = machine({ installed: allBut('cpio', 'g++'), root: true })
    const run = async (argv: string[]) => {
      m.ran.push(argv)
      if (argv.includes('install')) m.state.installed = new Set(ALL)
      return { code: 0 }
    }
    const res = await ensure({ probe: m.probe, run, log: m.log })
    expect(res).toMatchObject({ ok: true, action: 'installed', missing: ['g++', 'cpio'] })
    expect(m.ran.map((a) => a.slice(0, 2))).toEqual([['apt-get', 'update'], ['apt-get', 'install']])
    expect(m.probe.sudo).not.toHaveBeenCalled()
    expect(m.probe.installed).toHaveBeenCalledTimes(2)
  })

  it('reports a failing apt-get and stops there', async () => {
    const m = machine({ installed: allBut('cpio'), root: true })
    const run = async (argv: string[]) => (m.ran.push(argv), { code: 100, why: 'exit 100' })
    const res = await ensure({ probe: m.probe, run, log: m.log })
    expect(res).toMatchObject({ ok: false, action: 'failed' })
    expect(res.message).toContain('apt-get update -q failed (exit 100)')
    expect(m.ran).toHaveLength(1)
  })

  it('fails when apt-get succeeded but a package is still not installed', async () => {
    const m = machine({ installed: allBut('cpio'), root: false, sudo: true })
    const run = async (argv: string[]) => (m.ran.push(argv), { code: 0 })
    const res = await ensure({ probe: m.probe, run, log: m.log })
    expect(res).toMatchObject({ ok: false, action: 'failed', missing: ['cpio'] })
    expect(m.ran.every((argv) => argv[0] === 'sudo' && argv[1] === '-n')).toBe(true)
  })

  it('does nothing, and asks neither sudo nor apt-get, when all is installed', async () => {
    const m = machine({ installed: new Set(ALL), root: false })
    const run = vi.fn()
    const res = await ensure({ probe: m.probe, run, log: m.log })
    expect(res).toMatchObject({ ok: true, action: 'none' })
    expect(run).not.toHaveBeenCalled()
    expect(m.probe.sudo).not.toHaveBeenCalled()
    expect(m.log).not.toHaveBeenCalled()
  })

  it('stops without running anything when it may not install, logging the command', async () => {
    const m = machine({ installed: allBut('gcc'), root: false, sudo: false })
    const run = vi.fn()
    const res = await ensure({ probe: m.probe, run, log: m.log })
    expect(res).toMatchObject({ ok: false, action: 'stop', missing: ['gcc'] })
    expect(run).not.toHaveBeenCalled()
    expect(m.log).toHaveBeenCalledWith(expect.stringContaining('sudo apt-get install -y --no-install-recommends gcc'))
  })
})
