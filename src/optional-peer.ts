import { ERROR_CODES } from './generated/core-facts.js'

/**
 * Loads an optional peer dependency when a feature first needs it, with an error that says what to install.
 * Loading lazily keeps the package's main entry usable without any agent framework installed.
 */
export function requireOptionalPeer<T>(packageName: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(packageName) as T
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw Object.assign(new Error(`${feature} needs the optional peer dependency ${packageName}: npm install ${packageName}`), {
        code: ERROR_CODES.MissingPeerDependency,
      })
    }
    throw error
  }
}
