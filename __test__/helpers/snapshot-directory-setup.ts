// Vitest global setup: the test processes (and the children they start) keep their warm snapshots in a
// directory of this run's own, removed when it ends, never in the user's ~/.cache: a suite must neither
// depend on nor leave behind what another run saved. The default location is still what is used (through
// XDG_CACHE_HOME), and test files after the first load from it rather than boot, as a user's processes do.
// It is under the repository's .cache, on disk: in the emulated-KVM VM /tmp is a tmpfs in the VM's memory,
// and the data image's entry is large.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

export default function setup(): () => void {
  const parent = resolve(__dirname, '../../.cache')
  mkdirSync(parent, { recursive: true })
  const dir = mkdtempSync(join(parent, 'test-xdg-cache-'))
  process.env.XDG_CACHE_HOME = dir
  return () => rmSync(dir, { recursive: true, force: true })
}
