#!/usr/bin/env node
// system-packages.mjs — the Debian packages that building, testing and the emulated-KVM VM harness need, in
// ONE list, and the step that installs the missing ones. Used by scripts/ensure-built.mjs (so `npm run demo`
// and `npm test` set up a fresh Debian 12 machine themselves) and by .ci/run.
//
// What happens (one line each):
//   all installed                      → nothing
//   some missing, running as root      → `apt-get update && apt-get install -y --no-install-recommends …`
//   some missing, passwordless sudo    → the same through `sudo -n`
//   otherwise                          → stops with the exact command to run (when only the VM harness's
//                                        packages are missing: says so and goes on, as a machine that runs
//                                        micro-VMs natively never needs them)
//   no dpkg-query (not Debian)         → names what is needed; goes on when the commands are on PATH
//
// CLI:     node scripts/system-packages.mjs [--need build|vm] [--check | --list]
//            (no option)  check, and install what is missing; exit 0, or 1 when something is still missing
//            --check      only say what is missing (exit 1 when something is)
//            --list       print the package names, one a line
//            --need       only the packages for the build and tests (build) or for the VM harness (vm)
// Library: import { SYSTEM_PACKAGES, planSystemPackages, ensureSystemPackages } from './system-packages.mjs'
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The packages, each with the commands that show it on a system without dpkg (empty: nothing to look for),
 * what it is needed for ('build': building and testing; 'vm': only the emulated-KVM VM harness, used where
 * this machine cannot run micro-VMs natively), and why.
 */
export const SYSTEM_PACKAGES = Object.freeze([
  {
    name: 'gcc',
    commands: ['gcc'],
    need: 'build',
    why: 'links the native addon, compiles the guest drivers (guest/build.sh) and scripts/vm/kvm-check.c, compiles C at run time',
  },
  { name: 'g++', commands: ['g++'], need: 'build', why: 'compiles C++ at run time (language "cpp") and in its tests' },
  { name: 'libc6-dev', commands: [], need: 'build', why: 'the C library to link against, libc.a for -static-pie' },
  {
    name: 'binutils',
    commands: ['strip', 'readelf'],
    need: 'build',
    why: "strips the Python guest's driver and reads shared libraries' sonames (guest/build.sh)",
  },
  { name: 'cpio', commands: ['cpio'], need: 'build', why: 'writes the guest images and the VM initramfs' },
  {
    name: 'dpkg',
    commands: ['dpkg', 'dpkg-deb'],
    need: 'build',
    why: "unpacks the Debian 12 packages of the Python image and the VM's kernel (dpkg -x)",
  },
  { name: 'apt', commands: ['apt-get', 'apt-cache'], need: 'build', why: 'downloads those packages (apt-get download)' },
  {
    name: 'python3-pip',
    commands: ['python3'],
    need: 'build',
    why: "downloads and installs the data Python image's pinned wheels from PyPI (python3 -m pip, guest/build.sh)",
  },
  { name: 'qemu-system-x86', commands: ['qemu-system-x86_64'], need: 'vm', why: 'runs the emulated-KVM VM (scripts/vm/run.sh)' },
  { name: 'busybox-static', commands: ['busybox'], need: 'vm', why: "the VM's userland (scripts/vm/build-image.sh)" },
])

const APT_INSTALL = ['install', '-y', '-q', '--no-install-recommends']

/** The command line a person runs to install `names` (with sudo unless `root`). */
export function installCommandLine(names, { root = false } = {}) {
  const sudo = root ? '' : 'sudo '
  return `${sudo}apt-get update && ${sudo}apt-get ${APT_INSTALL.filter((a) => a !== '-q').join(' ')} ${names.join(' ')}`
}

/**
 * Decides what to do; pure (every fact about the machine is an argument).
 *   installed  Set of the installed package names (from dpkg-query), or null when there is no dpkg-query
 *   root       running as root
 *   sudo       `sudo -n` works (passwordless sudo); only looked at when not root
 *   onPath     (command) => boolean; only looked at without dpkg-query
 *   packages   the list (default SYSTEM_PACKAGES)
 * Returns { action, missing, message, commands? }:
 *   'none'     nothing to do (message: '' or, without dpkg-query, what was assumed)
 *   'install'  run `commands` (argv arrays, in order, with DEBIAN_FRONTEND=noninteractive), then check again
 *   'warn'     go on, after printing `message` (only VM-harness packages are missing, or not Debian)
 *   'stop'     cannot go on: `message` is one line with the command to run
 */
export function planSystemPackages({ installed, root, sudo = false, onPath = () => false, packages = SYSTEM_PACKAGES }) {
  const names = (list) => list.map((p) => p.name)
  if (installed == null) {
    // Not Debian: look for the commands instead of the packages.
    const absent = packages.filter((p) => p.commands.some((c) => !onPath(c)))
    const absentCommands = absent.flatMap((p) => p.commands.filter((c) => !onPath(c)))
    const what = `the build needs (as Debian 12 names) ${names(packages.filter((p) => p.need === 'build')).join(' ')}, and ${names(packages.filter((p) => p.need === 'vm')).join(' ')} where micro-VMs cannot run natively`
    const blocking = absent.filter((p) => p.need === 'build')
    if (blocking.length) {
      return {
        action: 'stop',
        missing: names(absent),
        message: `system: not a Debian system (no dpkg-query) and ${absentCommands.join(', ')} not on PATH: ${what} (the guest image build downloads Debian 12 packages with apt-get)`,
      }
    }
    return {
      action: 'warn',
      missing: names(absent),
      message: absent.length
        ? `system: not a Debian system (no dpkg-query); ${absentCommands.join(', ')} not on PATH, needed only where micro-VMs cannot run natively; ${what}`
        : `system: not a Debian system (no dpkg-query), but the commands are on PATH; ${what}`,
    }
  }
  const missing = packages.filter((p) => !installed.has(p.name))
  if (missing.length === 0) return { action: 'none', missing: [], message: '' }
  const list = names(missing)
  if (root || sudo) {
    const prefix = root ? [] : ['sudo', '-n']
    return {
      action: 'install',
      missing: list,
      commands: [
        [...prefix, 'apt-get', 'update', '-q'],
        [...prefix, ...(root ? [] : ['env', 'DEBIAN_FRONTEND=noninteractive']), 'apt-get', ...APT_INSTALL, ...list],
      ],
      message: `system: installing ${list.join(' ')} (${root ? 'as root' : 'with sudo -n'}): ${installCommandLine(list, { root })}`,
    }
  }
  const blocking = missing.filter((p) => p.need === 'build')
  if (blocking.length === 0) {
    return {
      action: 'warn',
      missing: list,
      message: `system: ${list.join(' ')} not installed, needed only where this machine cannot run micro-VMs natively (the emulated-KVM VM); to install: ${installCommandLine(list)}`,
    }
  }
  return {
    action: 'stop',
    missing: list,
    message: `system: missing Debian packages ${list.join(' ')} and not root (nor passwordless sudo); run: ${installCommandLine(list)}`,
  }
}

/** The installed ones among `names` (dpkg-query), or null when dpkg-query is not there. */
export function dpkgInstalled(names) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...names], { encoding: 'utf8' })
  if (r.error) return null // ENOENT: not Debian
  const installed = new Set()
  for (const line of r.stdout.split('\n')) {
    const [name, status] = line.split('\t')
    if (name && status?.endsWith(' installed')) installed.add(name)
  }
  return installed
}

/** Whether `command` is an executable file in a PATH directory. */
export function onPath(command, path = process.env.PATH ?? '') {
  return path.split(delimiter).some((dir) => {
    if (!dir) return false
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** The real machine: dpkg-query, the uid, `sudo -n true`, PATH. */
export const machineProbe = {
  installed: dpkgInstalled,
  root: () => process.getuid?.() === 0,
  sudo: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  onPath: (c) => onPath(c),
}

function runInherit(argv) {
  return new Promise((done) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    child.on('error', (err) => done({ code: 127, why: err.message }))
    child.on('exit', (code, signal) => done({ code: code ?? 128, why: signal ? `killed by ${signal}` : `exit ${code}` }))
  })
}

/**
 * Checks the packages and installs what is missing where it can (see planSystemPackages).
 * `probe` and `run` are the machine (defaults: machineProbe, spawning with inherited output).
 * Returns { ok, action: 'none' | 'installed' | 'warn' | 'stop' | 'failed', missing, message }.
 */
export async function ensureSystemPackages({
  packages = SYSTEM_PACKAGES,
  probe = machineProbe,
  run = runInherit,
  log = (line) => console.log(line),
} = {}) {
  const names = packages.map((p) => p.name)
  const installed = probe.installed(names)
  const root = probe.root()
  const needsSudo = installed != null && !root && names.some((n) => !installed.has(n))
  const plan = planSystemPackages({ installed, root, sudo: needsSudo && probe.sudo(), onPath: probe.onPath, packages })
  if (plan.action === 'none') return { ok: true, action: 'none', missing: [], message: 'all installed' }
  log(plan.message)
  if (plan.action === 'warn') return { ok: true, action: 'warn', missing: plan.missing, message: plan.message }
  if (plan.action === 'stop') return { ok: false, action: 'stop', missing: plan.missing, message: plan.message }
  for (const argv of plan.commands) {
    const r = await run(argv)
    if (r.code !== 0) {
      const message = `system: ${argv.join(' ')} failed (${r.why ?? `exit ${r.code}`})`
      log(message)
      return { ok: false, action: 'failed', missing: plan.missing, message }
    }
  }
  const after = probe.installed(names) ?? new Set()
  const still = plan.missing.filter((n) => !after.has(n))
  if (still.length) {
    const message = `system: still not installed after apt-get: ${still.join(' ')}`
    log(message)
    return { ok: false, action: 'failed', missing: still, message }
  }
  return { ok: true, action: 'installed', missing: plan.missing, message: `installed ${plan.missing.join(' ')}` }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const usage = () => {
    console.error('usage: node scripts/system-packages.mjs [--need build|vm] [--check | --list]')
    process.exit(2)
  }
  let need
  let mode = 'ensure'
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--need' && ['build', 'vm'].includes(args[i + 1])) need = args[++i]
    else if (args[i] === '--check') mode = 'check'
    else if (args[i] === '--list') mode = 'list'
    else usage()
  }
  const packages = SYSTEM_PACKAGES.filter((p) => !need || p.need === need)
  if (mode === 'list') {
    for (const p of packages) console.log(p.name)
  } else if (mode === 'check') {
    const installed = machineProbe.installed(packages.map((p) => p.name))
    const plan = planSystemPackages({ installed, root: false, onPath: machineProbe.onPath, packages })
    if (!installed) console.log(plan.message)
    else if (plan.missing.length) console.log(`system: missing ${plan.missing.join(' ')}; to install: ${installCommandLine(plan.missing)}`)
    else console.log('system: all installed')
    process.exit(plan.missing.length ? 1 : 0)
  } else {
    const res = await ensureSystemPackages({ packages })
    if (res.action === 'none') console.log(`system: all installed (${packages.map((p) => p.name).join(' ')})`)
    else if (res.action === 'installed') console.log(`system: ${res.message}`)
    process.exit(res.ok ? 0 : 1)
  }
}
