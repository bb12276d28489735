//! The errors a caller can act on, each with a stable code. A workload's own failure (an exception,
//! a non-zero exit, a timeout) is not one of these: it is a [`crate::RunOutcome`].

use std::fmt;

/// Every stable error code of every layer, each written once: its Rust name, the code JavaScript
/// sees, and when it is given (the variant's doc, [`ErrorCode::description`] and the generated
/// TypeScript's doc comments all come from that one text). Calls
/// `$then! { sandbox { … } tool { … } elsewhere { … } }`: `sandbox` holds the codes of failures that
/// keep a program from running (a [`SandboxError`], a `WorkloadResult.errorCode`); `tool` the other
/// codes of the code-execution tool's `ExecutionResult.error.code`; `elsewhere` the codes of the
/// guests' refusals and of what the package throws. The napi binding
/// expands it into its `#[napi(string_enum)]`, so `errorCode` is typed in `index.d.ts` from this list.
#[macro_export]
macro_rules! with_error_codes {
    ($then:ident) => {
        $then! {
            sandbox {
                FileNotFound = "ERR_FILE_NOT_FOUND": "The file given to `run` does not exist or cannot be read.";
                UnknownLanguage = "ERR_UNKNOWN_LANGUAGE": "The language name or file extension is not one the sandbox knows.";
                NotSupported = "ERR_NOT_SUPPORTED": "The language is known but this build cannot run it.";
                NoHypervisor = "ERR_NO_HYPERVISOR": "There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened.";
                HypervisorUnusable = "ERR_HYPERVISOR_UNUSABLE": "/dev/kvm exists but cannot run a Hyperlight guest (a nested or paravirtual KVM that fails at the first guest entry).";
                GuestImageMissing = "ERR_GUEST_IMAGE_MISSING": "The guest image package for the language is not installed (the message names it).";
                InvalidConfig = "ERR_INVALID_CONFIG": "A configuration value is out of range or a directory cannot be created.";
                CodeTooLarge = "ERR_CODE_TOO_LARGE": "The code is larger than one call to the guest carries (or than the tool's `maxCodeBytes`).";
                InvalidPath = "ERR_INVALID_PATH": "A file name given for the guest is not a relative path inside its directory (`../x`, `/x`).";
                InvalidBinary = "ERR_INVALID_BINARY": "A file given to `run` is not a static-PIE x86-64 program.";
                CompilerNotFound = "ERR_COMPILER_NOT_FOUND": "No gcc or g++ on PATH for C or C++.";
                SessionClosed = "ERR_SESSION_CLOSED": "A run was asked of a session that was closed.";
                CompileJailUnavailable = "ERR_COMPILE_JAIL_UNAVAILABLE": "C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable.";
                PortNotExposed = "ERR_PORT_NOT_EXPOSED": "The port asked for (`session.portEndpoint`) is not in `network.expose`.";
                PortNotListening = "ERR_PORT_NOT_LISTENING": "Nothing in the session's guest listens on the exposed port asked for (yet).";
                Engine = "ERR_ENGINE": "The micro-VM engine failed in a way no other code describes (a corrupt image, say).";
            }
            tool {
                InvalidInput = "ERR_INVALID_INPUT": "The input was not an object with a string `code`.";
                EmptyCode = "ERR_EMPTY_CODE": "`code` was empty or only whitespace.";
                ExitStatus = "ERR_EXIT_STATUS": "The program ran and exited with a non-zero status (an uncaught exception, `sys.exit(3)`, a signal…).";
                Timeout = "ERR_TIMEOUT": "The program ran past the time limit and was killed.";
                Aborted = "ERR_ABORTED": "The caller aborted the call (an `AbortSignal` fired) and the program was killed.";
                WorkloadFailed = "ERR_WORKLOAD_FAILED": "The micro-VM reported a failure without an exit status.";
                InterpreterNotFound = "ERR_INTERPRETER_NOT_FOUND": "The Python interpreter could not be found (python environment).";
                SpawnFailed = "ERR_SPAWN_FAILED": "The interpreter process could not be started for another reason.";
                NativeAddonUnavailable = "ERR_NATIVE_ADDON_UNAVAILABLE": "The native addon (needed by the hyperlight environment) could not be loaded.";
                ToolClosed = "ERR_TOOL_CLOSED": "The tool was closed with `close()`.";
                Internal = "ERR_INTERNAL": "Anything unexpected; the message says what.";
                UnknownSession = "ERR_UNKNOWN_SESSION": "MCP over HTTP, persistent: the `session` named is not open on this server (expired, closed, or another replica's).";
                TooManySessions = "ERR_TOO_MANY_SESSIONS": "MCP over HTTP, persistent: as many sessions are open as the server allows; a new one cannot start.";
            }
            elsewhere {
                ToolLimit = "ERR_TOOL_LIMIT": "A run went past `maxToolCalls` or `maxToolBytes`, or sent a longer argument than a host call takes: the guest's exception starts with this code.";
                MissingPeerDependency = "ERR_MISSING_PEER_DEPENDENCY": "An adapter needs an optional peer dependency that is not installed (the message names it).";
                InvalidArgType = "ERR_INVALID_ARG_TYPE": "The native addon was given an argument of the wrong type (Node's own code for it).";
            }
        }
    };
}

/// Defines [`ErrorCode`] from [`with_error_codes`]' list.
macro_rules! define_error_code {
    (sandbox { $($s:ident = $scode:tt : $sdoc:tt;)* } tool { $($t:ident = $tcode:tt : $tdoc:tt;)* } elsewhere { $($o:ident = $ocode:tt : $odoc:tt;)* }) => {
        /// A stable, machine-readable reason. The string form ([`ErrorCode::as_str`]) is what JavaScript
        /// sees as `error.code`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $sdoc] $s,)*
            $(#[doc = $tdoc] $t,)*
            $(#[doc = $odoc] $o,)*
        }

        impl ErrorCode {
            /// Every code, in the order they are documented: the sandbox's, then the other layers'.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$s,)* $(ErrorCode::$t,)* $(ErrorCode::$o,)*];
            /// The codes of the code-execution tool's results (`ExecutionResult.error.code`): the
            /// sandbox's, passed through, and the tool's own.
            pub const EXECUTION: &'static [ErrorCode] = &[$(ErrorCode::$s,)* $(ErrorCode::$t,)*];
            /// The codes of failures that keep a program from running: what a [`SandboxError`] and a
            /// `WorkloadResult.errorCode` carry.
            pub const SANDBOX: &'static [ErrorCode] = &[$(ErrorCode::$s,)*];

            /// When the code is given, for people (and the generated TypeScript's doc comments).
            pub fn description(self) -> &'static str {
                match self {
                    $(ErrorCode::$s => $sdoc,)*
                    $(ErrorCode::$t => $tdoc,)*
                    $(ErrorCode::$o => $odoc,)*
                }
            }

            /// The code as JavaScript sees it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$s => $scode,)*
                    $(ErrorCode::$t => $tcode,)*
                    $(ErrorCode::$o => $ocode,)*
                }
            }

            /// The variant's name (`NoHypervisor`): the key of the generated TypeScript's code objects.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$s => stringify!($s),)*
                    $(ErrorCode::$t => stringify!($t),)*
                    $(ErrorCode::$o => stringify!($o),)*
                }
            }
        }
    };
}

with_error_codes!(define_error_code);

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a message for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SandboxError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// What happened and, where there is one, what to do about it.
    pub message: String,
}

impl SandboxError {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> SandboxError {
        SandboxError { code, message: message.into() }
    }
}
