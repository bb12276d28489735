// Vitest global setup: the test processes (and the children they start) keep their warm snapshots in a
// directory of this run's own, removed when it ends, never in the user's ~/.cache: a suite must neither
// depend on nor leave behind what another run saved. The default location is still what is used (through
// XDG_CACHE_HOME), and test files after the first load from it rather than boot, as a user's processes do.
// It is under the system's temporary directory: in the emulated-KVM VM a tmpfs. Not the repository's
// .cache, which the VM reaches over 9p: there, loading the data image's 907 MiB entry stalls the VM's
// kernel for minutes (docs/benchmarks.md, "Warm from disk"). An 8 GiB VM (scripts/vm/run.sh's default) holds that
// entry and the data guests.
//
// The snapshot directory is on, as for users. It was off for a while: a combined run of the micro-VM files
// with it on outlived its time limit. The likely cause was the pool's (crates/sandbox/src/guest/pool.rs): every run
// made a new guest from the snapshot, which for a snapshot loaded from disk is a file mapping faulted in
// afresh; with that fixed the whole micro-VM suite took 505 s with the directory on (in one VM, Node 24),
// against 701 s with it off in the CI run before.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'lci-test-xdg-cache-'))
  process.env.XDG_CACHE_HOME = dir
  return () => rmSync(dir, { recursive: true, force: true })
}
