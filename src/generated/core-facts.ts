// Generated from the Rust core (crates/sandbox/src/facts.rs) by
// `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when
// this file and the core disagree.

/** A language the micro-VM sandbox runs. */
export type Language = 'javascript' | 'python' | 'c' | 'cpp'

/** Every language, in the order they are documented. */
export const LANGUAGES: readonly Language[] = ['javascript', 'python', 'c', 'cpp']

/** Every name `runCode` takes for a language (lower case; matched case-insensitively), and the language it means. */
export const LANGUAGE_ALIASES: Readonly<Record<string, Language>> = {
  'javascript': 'javascript',
  'python': 'python',
  'c': 'c',
  'cpp': 'cpp',
  'js': 'javascript',
  'node': 'javascript',
  'quickjs': 'javascript',
  'mjs': 'javascript',
  'py': 'python',
  'python3': 'python',
  'c++': 'cpp',
  'cxx': 'cpp',
  'cc': 'cpp',
}

/** The file extensions `run(path)` knows, and what it runs such a file as (`binary`: a static-PIE program); a file without extension is a binary. */
export const FILE_EXTENSIONS: Readonly<Record<string, Language | 'binary'>> = {
  'js': 'javascript',
  'mjs': 'javascript',
  'cjs': 'javascript',
  'py': 'python',
  'elf': 'binary',
}

/** The extensions of source files (without the dot) and their language: what the CLI's `run <file>` runs as code. */
export const SOURCE_EXTENSIONS: Readonly<Record<string, Language>> = {
  'py': 'python',
  'js': 'javascript',
  'mjs': 'javascript',
  'cjs': 'javascript',
  'c': 'c',
  'cpp': 'cpp',
  'cc': 'cpp',
  'cxx': 'cpp',
}

/** Which image runs Python (`SandboxConfig.pythonImage`): `standard` (CPython and its standard library) or `data` (plus numpy, pandas, scipy, scikit-learn, matplotlib…). */
export type PythonImage = 'standard' | 'data'

/** Every `pythonImage`, in the order they are documented. */
export const PYTHON_IMAGES: readonly PythonImage[] = ['standard', 'data']

/** The largest code one run carries, in bytes (UTF-8). */
export const MAX_CODE_BYTES = 1044468

/** Time limit of one run when none is given, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30000

/** The largest `timeoutMs` accepted. */
export const MAX_TIMEOUT_MS = 86400000

/** Output a `NanvixSandbox` run keeps per stream when `maxOutputBytes` is not given. */
export const SANDBOX_DEFAULT_MAX_OUTPUT_BYTES = 1048576

/** Output the code-execution tool keeps per call when `maxOutputBytes` is not given (beginning and end): about 25,000 tokens for a model to read. */
export const DEFAULT_MAX_OUTPUT_BYTES = 100000

/** The largest `maxOutputBytes` accepted. */
export const MAX_OUTPUT_BYTES = 268435456

/** The smallest `memoryMb` accepted. */
export const MIN_MEMORY_MB = 16

/** The largest `memoryMb` accepted. */
export const MAX_MEMORY_MB = 16384

/** The largest `maxConcurrency` accepted. */
export const MAX_CONCURRENCY = 1024

/** The largest `poolSize` accepted. */
export const MAX_POOL_SIZE = 1024

/** Guest memory in MiB of the data Python image when `memoryMb` is not given. */
export const DATA_IMAGE_MEMORY_MB = 1536

/** The most images one run hands back (`images`); past it the run is reported `truncated`. */
export const MAX_IMAGES = 10

/** The most bytes of images one run hands back, together; past it the run is reported `truncated`. */
export const MAX_IMAGE_BYTES = 8388608

/** How many tool calls one run may make when `maxToolCalls` is not given. */
export const DEFAULT_MAX_TOOL_CALLS = 10000

/** The largest `maxToolCalls` accepted. */
export const MAX_TOOL_CALLS = 10000000

/** How many bytes may cross between one run and its tools (arguments and results) when `maxToolBytes` is not given. */
export const DEFAULT_MAX_TOOL_BYTES = 67108864

/** The largest `maxToolBytes` accepted. */
export const MAX_TOOL_BYTES = 1073741824

/** The largest request body and the largest response body (decoded) one `fetch` from the JavaScript guest carries, in bytes. */
export const MAX_FETCH_BYTES = 16777216

/** The most bytes of a run's `value` (the repr of its last expression) kept; the rest is replaced by a note of how much was left out. */
export const MAX_VALUE_BYTES = 16384

/** How many host sockets one guest may hold at once when `network.maxSockets` is not given; past it the guest gets EMFILE. */
export const DEFAULT_MAX_SOCKETS = 256

/** The largest `network.maxSockets` accepted. */
export const MAX_SOCKETS = 1024

/** The most ports `network.expose` may list. */
export const MAX_EXPOSED_PORTS = 16

/** The send and receive buffer size of each guest socket on the host, and the most a guest may set, in bytes. */
export const SOCKET_BUFFER_BYTES = 262144

/** The most pending connections an exposed port queues. */
export const MAX_LISTEN_BACKLOG = 16

/** Where warm snapshots go when `snapshotDirectory` is not given, as the help text says it. */
export const DEFAULT_SNAPSHOT_DIRECTORY = '$XDG_CACHE_HOME/local-code-interpreter/snapshots, else ~/.cache/local-code-interpreter/snapshots'

/** The stable codes of failures that keep a program from running (`WorkloadResult.errorCode`), each with when it is given. */
export const SANDBOX_ERROR_CODES = {
  ERR_FILE_NOT_FOUND: 'The file given to `run` does not exist or cannot be read.',
  ERR_UNKNOWN_LANGUAGE: 'The language name or file extension is not one the sandbox knows.',
  ERR_NOT_SUPPORTED: 'The language is known but this build cannot run it.',
  ERR_NO_HYPERVISOR: 'There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened.',
  ERR_HYPERVISOR_UNUSABLE: '/dev/kvm exists but cannot run a Hyperlight guest (nested or paravirtual KVM).',
  ERR_GUEST_IMAGE_MISSING: 'The guest image package for the language is not installed (the message names it).',
  ERR_INVALID_CONFIG: 'A configuration value is out of range or a directory cannot be created.',
  ERR_CODE_TOO_LARGE: 'The code is larger than one call to the guest carries.',
  ERR_INVALID_PATH: 'A file name given for the guest is not a relative path inside its directory.',
  ERR_INVALID_BINARY: 'A file given to `run` is not a static-PIE x86-64 program.',
  ERR_COMPILER_NOT_FOUND: 'No gcc or g++ on PATH for C or C++.',
  ERR_SESSION_CLOSED: 'A run was asked of a session that was closed.',
  ERR_COMPILE_JAIL_UNAVAILABLE: 'C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable.',
  ERR_PORT_NOT_EXPOSED: 'The port asked for is not in network.expose.',
  ERR_PORT_NOT_LISTENING: 'Nothing in the session\'s guest listens on the exposed port asked for (yet).',
  ERR_ENGINE: 'The micro-VM engine failed in a way no other code describes.',
} as const

/** One of {@link SANDBOX_ERROR_CODES}. */
export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES
