//! The errors a caller can act on, each with a stable code. A workload's own failure (an exception,
//! a non-zero exit, a timeout) is not one of these: it is a [`crate::RunOutcome`].

use std::fmt;

/// A stable, machine-readable reason. The string form ([`ErrorCode::as_str`]) is what JavaScript
/// sees as `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The file given to `run` does not exist or cannot be read.
    FileNotFound,
    /// The language name or file extension is not one the sandbox knows.
    UnknownLanguage,
    /// The language is known but this build cannot run it yet.
    NotSupported,
    /// There is no hypervisor to run a micro-VM: no `/dev/kvm`, or it cannot be opened.
    NoHypervisor,
    /// `/dev/kvm` exists but cannot run a Hyperlight guest (a nested or paravirtual KVM that fails at
    /// the first guest entry).
    HypervisorUnusable,
    /// The guest image package for the language is not installed.
    GuestImageMissing,
    /// A configuration value is out of range or a directory cannot be created.
    InvalidConfig,
    /// The code is larger than a call to the guest can carry.
    CodeTooLarge,
    /// A file name given for the guest is not a relative path inside its directory (`../x`, `/x`).
    InvalidPath,
    /// A file given to `run` is not a program the guest can run (not ELF, not static PIE).
    InvalidBinary,
    /// No C or C++ compiler on PATH.
    CompilerNotFound,
    /// A run was asked of a session that was closed.
    SessionClosed,
    /// C or C++ cannot be compiled because the compile jail cannot be set up here (no Landlock).
    CompileJailUnavailable,
    /// A port asked for (`session.portEndpoint`) is not in `network.expose`.
    PortNotExposed,
    /// An exposed port asked for has nothing in the session's guest listening on it (yet).
    PortNotListening,
    /// The engine failed in a way none of the above describes (a corrupt image, say).
    Engine,
}

impl ErrorCode {
    /// Every code, in the order they are documented.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::FileNotFound,
        ErrorCode::UnknownLanguage,
        ErrorCode::NotSupported,
        ErrorCode::NoHypervisor,
        ErrorCode::HypervisorUnusable,
        ErrorCode::GuestImageMissing,
        ErrorCode::InvalidConfig,
        ErrorCode::CodeTooLarge,
        ErrorCode::InvalidPath,
        ErrorCode::InvalidBinary,
        ErrorCode::CompilerNotFound,
        ErrorCode::SessionClosed,
        ErrorCode::CompileJailUnavailable,
        ErrorCode::PortNotExposed,
        ErrorCode::PortNotListening,
        ErrorCode::Engine,
    ];

    /// When the code is given, for people (and the generated TypeScript's doc comments).
    pub fn description(self) -> &'static str {
        match self {
            ErrorCode::FileNotFound => "The file given to `run` does not exist or cannot be read.",
            ErrorCode::UnknownLanguage => "The language name or file extension is not one the sandbox knows.",
            ErrorCode::NotSupported => "The language is known but this build cannot run it.",
            ErrorCode::NoHypervisor => "There is no hypervisor to run a micro-VM: no /dev/kvm, or it cannot be opened.",
            ErrorCode::HypervisorUnusable => "/dev/kvm exists but cannot run a Hyperlight guest (nested or paravirtual KVM).",
            ErrorCode::GuestImageMissing => "The guest image package for the language is not installed (the message names it).",
            ErrorCode::InvalidConfig => "A configuration value is out of range or a directory cannot be created.",
            ErrorCode::CodeTooLarge => "The code is larger than one call to the guest carries.",
            ErrorCode::InvalidPath => "A file name given for the guest is not a relative path inside its directory.",
            ErrorCode::InvalidBinary => "A file given to `run` is not a static-PIE x86-64 program.",
            ErrorCode::CompilerNotFound => "No gcc or g++ on PATH for C or C++.",
            ErrorCode::SessionClosed => "A run was asked of a session that was closed.",
            ErrorCode::CompileJailUnavailable => "C or C++ cannot be compiled here: the compile jail (Landlock) is unavailable.",
            ErrorCode::PortNotExposed => "The port asked for is not in network.expose.",
            ErrorCode::PortNotListening => "Nothing in the session's guest listens on the exposed port asked for (yet).",
            ErrorCode::Engine => "The micro-VM engine failed in a way no other code describes.",
        }
    }

    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::FileNotFound => "ERR_FILE_NOT_FOUND",
            ErrorCode::UnknownLanguage => "ERR_UNKNOWN_LANGUAGE",
            ErrorCode::NotSupported => "ERR_NOT_SUPPORTED",
            ErrorCode::NoHypervisor => "ERR_NO_HYPERVISOR",
            ErrorCode::HypervisorUnusable => "ERR_HYPERVISOR_UNUSABLE",
            ErrorCode::GuestImageMissing => "ERR_GUEST_IMAGE_MISSING",
            ErrorCode::InvalidConfig => "ERR_INVALID_CONFIG",
            ErrorCode::CodeTooLarge => "ERR_CODE_TOO_LARGE",
            ErrorCode::InvalidPath => "ERR_INVALID_PATH",
            ErrorCode::InvalidBinary => "ERR_INVALID_BINARY",
            ErrorCode::CompilerNotFound => "ERR_COMPILER_NOT_FOUND",
            ErrorCode::SessionClosed => "ERR_SESSION_CLOSED",
            ErrorCode::CompileJailUnavailable => "ERR_COMPILE_JAIL_UNAVAILABLE",
            ErrorCode::PortNotExposed => "ERR_PORT_NOT_EXPOSED",
            ErrorCode::PortNotListening => "ERR_PORT_NOT_LISTENING",
            ErrorCode::Engine => "ERR_ENGINE",
        }
    }
}

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
