// Vitest global setup: the test processes (and the children they start) keep their warm snapshots in a
// directory of this run's own, removed when it ends, never in the user's ~/.cache: a suite must neither
// depend on nor leave behind what another run saved. The default location is still what is used (through
// XDG_CACHE_HOME), and test files after the first load from it rather than boot, as a user's processes do.
// It is under the system's temporary directory: in the emulated-KVM VM a tmpfs. Not the repository's
// .cache, which the VM reaches over 9p: there, loading the data image's 907 MiB entry stalls the VM's
// kernel for minutes (README, "Warm from disk"). A 4 GiB VM holds that entry and the data guest.
//
// The snapshot directory itself is off for the suite (LCI_SNAPSHOT_DIRECTORY=off): with it on, a combined
// run of the micro-VM files outlived its time limit under emulation (the data image's ~0.9 GiB entry is
// hashed, saved and loaded in the VM's memory), so the tests that exercise it
// (__test__/microvm/snapshot-cache.test.ts) give it a directory of their own, or clear the variable.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'lci-test-xdg-cache-'))
  process.env.XDG_CACHE_HOME = dir
  process.env.LCI_SNAPSHOT_DIRECTORY = 'off'
  return () => rmSync(dir, { recursive: true, force: true })
}
