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
export const DEFAULT_SNAPSHOT_DIRECTORY = '$LCI_SNAPSHOT_DIRECTORY (off: none), else $XDG_CACHE_HOME/local-code-interpreter/snapshots, else ~/.cache/local-code-interpreter/snapshots'

/** What is put where output was left out (beginning and end kept), `{omitted}` standing for how many bytes. */
export const OMISSION_MARKER = '\n[… {omitted} bytes of output omitted …]\n'

/** The stable codes of failures that keep a program from running (`WorkloadResult.errorCode`), each with when it is given. */
export const SANDBOX_ERROR_CODES = {
  ERR_FILE_NOT_FOUND: 'The file given to `run` does not exist or cannot be read.',
  ERR_UNKNOWN_LANGUAGE: 'The language name or file extension is not one the sandbox knows.',
  ERR_NOT_SUPPORTED: 'The language is known but this build cannot run it.',
  ERR_NO_HYPERVISOR: 'There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened.',
  ERR_HYPERVISOR_UNUSABLE: '/dev/kvm exists but cannot run a Hyperlight guest (a nested or paravirtual KVM that fails at the first guest entry).',
  ERR_GUEST_IMAGE_MISSING: 'The guest image package for the language is not installed (the message names it).',
  ERR_INVALID_CONFIG: 'A configuration value is out of range or a directory cannot be created.',
  ERR_CODE_TOO_LARGE: 'The code is larger than one call to the guest carries (or than the tool\'s `maxCodeBytes`).',
  ERR_INVALID_PATH: 'A file name given for the guest is not a relative path inside its directory (`../x`, `/x`).',
  ERR_INVALID_BINARY: 'A file given to `run` is not a static-PIE x86-64 program.',
  ERR_COMPILER_NOT_FOUND: 'No gcc or g++ on PATH for C or C++.',
  ERR_SESSION_CLOSED: 'A run was asked of a session that was closed.',
  ERR_COMPILE_JAIL_UNAVAILABLE: 'C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable.',
  ERR_PORT_NOT_EXPOSED: 'The port asked for (`session.portEndpoint`) is not in `network.expose`.',
  ERR_PORT_NOT_LISTENING: 'Nothing in the session\'s guest listens on the exposed port asked for (yet).',
  ERR_ENGINE: 'The micro-VM engine failed in a way no other code describes (a corrupt image, say).',
} as const

/** One of {@link SANDBOX_ERROR_CODES}. */
export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES

/** Every stable error code of every layer, by name: the sandbox's, the code-execution tool's (`ExecutionResult.error.code`), the guests' refusals and what the package throws. */
export const ERROR_CODES = {
  /** The file given to `run` does not exist or cannot be read. */
  FileNotFound: 'ERR_FILE_NOT_FOUND',
  /** The language name or file extension is not one the sandbox knows. */
  UnknownLanguage: 'ERR_UNKNOWN_LANGUAGE',
  /** The language is known but this build cannot run it. */
  NotSupported: 'ERR_NOT_SUPPORTED',
  /** There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened. */
  NoHypervisor: 'ERR_NO_HYPERVISOR',
  /** /dev/kvm exists but cannot run a Hyperlight guest (a nested or paravirtual KVM that fails at the first guest entry). */
  HypervisorUnusable: 'ERR_HYPERVISOR_UNUSABLE',
  /** The guest image package for the language is not installed (the message names it). */
  GuestImageMissing: 'ERR_GUEST_IMAGE_MISSING',
  /** A configuration value is out of range or a directory cannot be created. */
  InvalidConfig: 'ERR_INVALID_CONFIG',
  /** The code is larger than one call to the guest carries (or than the tool's `maxCodeBytes`). */
  CodeTooLarge: 'ERR_CODE_TOO_LARGE',
  /** A file name given for the guest is not a relative path inside its directory (`../x`, `/x`). */
  InvalidPath: 'ERR_INVALID_PATH',
  /** A file given to `run` is not a static-PIE x86-64 program. */
  InvalidBinary: 'ERR_INVALID_BINARY',
  /** No gcc or g++ on PATH for C or C++. */
  CompilerNotFound: 'ERR_COMPILER_NOT_FOUND',
  /** A run was asked of a session that was closed. */
  SessionClosed: 'ERR_SESSION_CLOSED',
  /** C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable. */
  CompileJailUnavailable: 'ERR_COMPILE_JAIL_UNAVAILABLE',
  /** The port asked for (`session.portEndpoint`) is not in `network.expose`. */
  PortNotExposed: 'ERR_PORT_NOT_EXPOSED',
  /** Nothing in the session's guest listens on the exposed port asked for (yet). */
  PortNotListening: 'ERR_PORT_NOT_LISTENING',
  /** The micro-VM engine failed in a way no other code describes (a corrupt image, say). */
  Engine: 'ERR_ENGINE',
  /** The input was not an object with a string `code`. */
  InvalidInput: 'ERR_INVALID_INPUT',
  /** `code` was empty or only whitespace. */
  EmptyCode: 'ERR_EMPTY_CODE',
  /** The program ran and exited with a non-zero status (an uncaught exception, `sys.exit(3)`, a signal…). */
  ExitStatus: 'ERR_EXIT_STATUS',
  /** The program ran past the time limit and was killed. */
  Timeout: 'ERR_TIMEOUT',
  /** The caller aborted the call (an `AbortSignal` fired) and the program was killed. */
  Aborted: 'ERR_ABORTED',
  /** The micro-VM reported a failure without an exit status. */
  WorkloadFailed: 'ERR_WORKLOAD_FAILED',
  /** The Python interpreter could not be found (python environment). */
  InterpreterNotFound: 'ERR_INTERPRETER_NOT_FOUND',
  /** The interpreter process could not be started for another reason. */
  SpawnFailed: 'ERR_SPAWN_FAILED',
  /** The native addon (needed by the hyperlight environment) could not be loaded. */
  NativeAddonUnavailable: 'ERR_NATIVE_ADDON_UNAVAILABLE',
  /** The tool was closed with `close()`. */
  ToolClosed: 'ERR_TOOL_CLOSED',
  /** Anything unexpected; the message says what. */
  Internal: 'ERR_INTERNAL',
  /** MCP over HTTP, persistent: the `session` named is not open on this server (expired, closed, or another replica's). */
  UnknownSession: 'ERR_UNKNOWN_SESSION',
  /** MCP over HTTP, persistent: as many sessions are open as the server allows; a new one cannot start. */
  TooManySessions: 'ERR_TOO_MANY_SESSIONS',
  /** A run went past `maxToolCalls` or `maxToolBytes`, or sent a longer argument than a host call takes: the guest's exception starts with this code. */
  ToolLimit: 'ERR_TOOL_LIMIT',
  /** An adapter needs an optional peer dependency that is not installed (the message names it). */
  MissingPeerDependency: 'ERR_MISSING_PEER_DEPENDENCY',
  /** The native addon was given an argument of the wrong type (Node's own code for it). */
  InvalidArgType: 'ERR_INVALID_ARG_TYPE',
} as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/** The codes of the code-execution tool's results (`ExecutionResult.error.code`), by name: the sandbox's, passed through, and the tool's own. */
export const EXECUTION_ERROR_CODES = {
  /** The file given to `run` does not exist or cannot be read. */
  FileNotFound: 'ERR_FILE_NOT_FOUND',
  /** The language name or file extension is not one the sandbox knows. */
  UnknownLanguage: 'ERR_UNKNOWN_LANGUAGE',
  /** The language is known but this build cannot run it. */
  NotSupported: 'ERR_NOT_SUPPORTED',
  /** There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened. */
  NoHypervisor: 'ERR_NO_HYPERVISOR',
  /** /dev/kvm exists but cannot run a Hyperlight guest (a nested or paravirtual KVM that fails at the first guest entry). */
  HypervisorUnusable: 'ERR_HYPERVISOR_UNUSABLE',
  /** The guest image package for the language is not installed (the message names it). */
  GuestImageMissing: 'ERR_GUEST_IMAGE_MISSING',
  /** A configuration value is out of range or a directory cannot be created. */
  InvalidConfig: 'ERR_INVALID_CONFIG',
  /** The code is larger than one call to the guest carries (or than the tool's `maxCodeBytes`). */
  CodeTooLarge: 'ERR_CODE_TOO_LARGE',
  /** A file name given for the guest is not a relative path inside its directory (`../x`, `/x`). */
  InvalidPath: 'ERR_INVALID_PATH',
  /** A file given to `run` is not a static-PIE x86-64 program. */
  InvalidBinary: 'ERR_INVALID_BINARY',
  /** No gcc or g++ on PATH for C or C++. */
  CompilerNotFound: 'ERR_COMPILER_NOT_FOUND',
  /** A run was asked of a session that was closed. */
  SessionClosed: 'ERR_SESSION_CLOSED',
  /** C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable. */
  CompileJailUnavailable: 'ERR_COMPILE_JAIL_UNAVAILABLE',
  /** The port asked for (`session.portEndpoint`) is not in `network.expose`. */
  PortNotExposed: 'ERR_PORT_NOT_EXPOSED',
  /** Nothing in the session's guest listens on the exposed port asked for (yet). */
  PortNotListening: 'ERR_PORT_NOT_LISTENING',
  /** The micro-VM engine failed in a way no other code describes (a corrupt image, say). */
  Engine: 'ERR_ENGINE',
  /** The input was not an object with a string `code`. */
  InvalidInput: 'ERR_INVALID_INPUT',
  /** `code` was empty or only whitespace. */
  EmptyCode: 'ERR_EMPTY_CODE',
  /** The program ran and exited with a non-zero status (an uncaught exception, `sys.exit(3)`, a signal…). */
  ExitStatus: 'ERR_EXIT_STATUS',
  /** The program ran past the time limit and was killed. */
  Timeout: 'ERR_TIMEOUT',
  /** The caller aborted the call (an `AbortSignal` fired) and the program was killed. */
  Aborted: 'ERR_ABORTED',
  /** The micro-VM reported a failure without an exit status. */
  WorkloadFailed: 'ERR_WORKLOAD_FAILED',
  /** The Python interpreter could not be found (python environment). */
  InterpreterNotFound: 'ERR_INTERPRETER_NOT_FOUND',
  /** The interpreter process could not be started for another reason. */
  SpawnFailed: 'ERR_SPAWN_FAILED',
  /** The native addon (needed by the hyperlight environment) could not be loaded. */
  NativeAddonUnavailable: 'ERR_NATIVE_ADDON_UNAVAILABLE',
  /** The tool was closed with `close()`. */
  ToolClosed: 'ERR_TOOL_CLOSED',
  /** Anything unexpected; the message says what. */
  Internal: 'ERR_INTERNAL',
  /** MCP over HTTP, persistent: the `session` named is not open on this server (expired, closed, or another replica's). */
  UnknownSession: 'ERR_UNKNOWN_SESSION',
  /** MCP over HTTP, persistent: as many sessions are open as the server allows; a new one cannot start. */
  TooManySessions: 'ERR_TOO_MANY_SESSIONS',
} as const

/** Python's keywords: not usable as keyword-argument names nor as a tool's name. */
export const PYTHON_KEYWORDS: readonly string[] = ['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']

/** The identifiers that cannot be a tool's name: Python's keywords and `then` (JavaScript would take `tools` for a promise). */
export const RESERVED_TOOL_NAMES: readonly string[] = ['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'then']

/** What a tool's name must match (besides not being one of {@link RESERVED_TOOL_NAMES}): an identifier of ASCII letters, digits and `_`, not starting with a digit or `__`. */
export const TOOL_NAME_PATTERN = /^(?!__)[A-Za-z_][A-Za-z0-9_]*$/

/** What a tool's name must be, in words (the end of the error for one that is not). */
export const TOOL_NAME_RULE = 'an identifier (ASCII letters, digits and _, not starting with a digit or __, not a Python keyword, not then)'

/** Names the rule takes and names it refuses: what the Rust and the TypeScript tests both check. */
export const TOOL_NAME_EXAMPLES = { valid: ['lookup', 'getWeather', 'get_weather', '_private', 'x1', 'match', 'type'], invalid: ['', 'get-weather', 'get.weather', '1st', 'a b', 'ü', '$x', 'class', 'None', 'lambda', '__init__', '__proto__', 'then'] } as const

/** The host functions every guest may call (crates/sandbox/src/host/host_calls.rs). */
export const HOST_FUNCTIONS = {
  TOOL: 'lci.tool',
  FETCH: 'lci.fetch',
  MORE: 'lci.more',
  UPLOAD: 'lci.upload',
} as const

/** The most bytes one host call carries from a guest (hyperlight-unikraft's buffers); a reply carries one byte less. */
export const HOST_CALL_MAX = 69620

/** The most bytes one piece of a long host-call reply takes, JSON-escaped. */
export const HOST_CALL_PIECE_MAX = 60000

/** The most characters of an argument a guest sends inline or in one upload piece. */
export const UPLOAD_PIECE_CHARS = 20000

/** The most text a run may have uploaded for one call, in bytes. */
export const UPLOAD_MAX = 25165824

/** The range of every whole-number option, by name: what the core checks, and the tool before it. */
export const CONFIG_RANGES = {
  'timeoutMs': { min: 1, max: 86400000 },
  'memoryMb': { min: 16, max: 16384 },
  'maxOutputBytes': { min: 1, max: 268435456 },
  'maxToolCalls': { min: 1, max: 10000000 },
  'maxToolBytes': { min: 1, max: 1073741824 },
  'maxConcurrency': { min: 1, max: 1024 },
  'poolSize': { min: 1, max: 1024 },
  'network.maxSockets': { min: 1, max: 1024 },
  'network.expose': { min: 1, max: 65535 },
  'maxCodeBytes': { min: 1, max: 1044468 },
} as const

/** The name of a whole-number option with a range in {@link CONFIG_RANGES}. */
export type ConfigField = keyof typeof CONFIG_RANGES

/** The message of a value out of its range, with `{field}`, `{min}`, `{max}` and `{value}` to fill in. */
export const OUT_OF_RANGE_MESSAGE = '{field} must be a whole number from {min} to {max}, got {value}'
