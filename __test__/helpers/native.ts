// The napi-generated loader at the repository root, typed by its generated index.d.ts.
import { createRequire } from 'node:module'
import type * as Native from '../../index.js'

const require = createRequire(import.meta.url)

/** The native addon as a user of this checkout gets it (`index.js`, built by `npm run build:native`). */
export const native: typeof Native = require('../../index.js')
