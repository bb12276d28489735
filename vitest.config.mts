import { defineConfig } from 'vitest/config'

// Native addons want the default `forks` pool. Micro-VM tests under software emulation are slow, so
// the limits are generous; speed is measured in bench/, never asserted here.
export default defineConfig({
  test: {
    include: ['__test__/**/*.test.ts'],
    // Warm snapshots go to a directory of this run's own, not ~/.cache (see the file).
    globalSetup: ['__test__/helpers/snapshot-directory-setup.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
})
