//! Which language a workload is written in, and how that is decided: from a name given by the caller
//! (`runCode`) or from a file's extension (`run`), as hyperlight-nanvix does.

use std::path::Path;

use crate::error::{ErrorCode, SandboxError};

/// A language the sandbox knows. C and C++ share one guest image (the exec driver); the programs are
/// compiled on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// JavaScript on QuickJS (ES2023, console, timers, promises).
    JavaScript,
    /// CPython 3.11 with its standard library.
    Python,
    /// C, compiled on the host to a static-PIE binary.
    C,
    /// C++, compiled on the host to a static-PIE binary.
    Cpp,
}

impl Language {
    /// Every language, in the order they are documented.
    pub const ALL: [Language; 4] = [Language::JavaScript, Language::Python, Language::C, Language::Cpp];

    /// The canonical name, as `runCode` takes it and results report it.
    pub fn name(self) -> &'static str {
        match self {
            Language::JavaScript => "javascript",
            Language::Python => "python",
            Language::C => "c",
            Language::Cpp => "cpp",
        }
    }

    /// The guest image that runs this language: `guest-<image>` in a checkout's `npm/`, and the npm
    /// package `local-code-interpreter-guest-<image>` once installed.
    pub fn image(self) -> &'static str {
        match self {
            Language::JavaScript => "javascript",
            Language::Python => "python",
            Language::C | Language::Cpp => "c",
        }
    }

    /// The language a caller names: the canonical names and the usual aliases (`js`, `py`, `c++`, …),
    /// case-insensitive. Anything else is [`ErrorCode::UnknownLanguage`].
    pub fn from_name(name: &str) -> Result<Language, SandboxError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "javascript" | "js" | "node" | "quickjs" | "mjs" => Ok(Language::JavaScript),
            "python" | "py" | "python3" => Ok(Language::Python),
            "c" => Ok(Language::C),
            "cpp" | "c++" | "cxx" | "cc" => Ok(Language::Cpp),
            _ => Err(SandboxError::new(
                ErrorCode::UnknownLanguage,
                format!(
                    "unknown language {name:?}: expected one of javascript, python, c, cpp"
                ),
            )),
        }
    }

    /// What `run(path)` does with a file, from its extension: `.js`/`.mjs`/`.cjs` JavaScript, `.py`
    /// Python, `.elf`, `.o` or no extension a prebuilt binary. Others are
    /// [`ErrorCode::UnknownLanguage`].
    pub fn from_path(path: &Path) -> Result<FileKind, SandboxError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("js" | "mjs" | "cjs") => Ok(FileKind::Script(Language::JavaScript)),
            Some("py") => Ok(FileKind::Script(Language::Python)),
            Some("elf" | "o") | None => Ok(FileKind::Binary),
            Some(other) => Err(SandboxError::new(
                ErrorCode::UnknownLanguage,
                format!(
                    "cannot tell the language of {}: .{other} is not one of .js, .mjs, .cjs, .py, \
                     .elf, .o or a file without extension",
                    path.display()
                ),
            )),
        }
    }
}

/// What a file given to `run(path)` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Source code an interpreter in the guest runs.
    Script(Language),
    /// A prebuilt program (static-PIE ELF) the exec driver runs.
    Binary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_resolve_case_insensitively() {
        assert_eq!(Language::from_name("JavaScript").unwrap(), Language::JavaScript);
        assert_eq!(Language::from_name("js").unwrap(), Language::JavaScript);
        assert_eq!(Language::from_name(" py ").unwrap(), Language::Python);
        assert_eq!(Language::from_name("c++").unwrap(), Language::Cpp);
        assert_eq!(Language::from_name("c").unwrap(), Language::C);
        for l in Language::ALL {
            assert_eq!(Language::from_name(l.name()).unwrap(), l);
        }
    }

    #[test]
    fn unknown_language_is_a_typed_error_naming_the_choices() {
        let e = Language::from_name("ruby").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownLanguage);
        assert!(e.message.contains("ruby") && e.message.contains("python"));
    }

    #[test]
    fn extension_decides_like_upstream() {
        assert_eq!(Language::from_path(Path::new("a/hello.js")).unwrap(), FileKind::Script(Language::JavaScript));
        assert_eq!(Language::from_path(Path::new("hello.MJS")).unwrap(), FileKind::Script(Language::JavaScript));
        assert_eq!(Language::from_path(Path::new("hello.py")).unwrap(), FileKind::Script(Language::Python));
        assert_eq!(Language::from_path(Path::new("hello.elf")).unwrap(), FileKind::Binary);
        assert_eq!(Language::from_path(Path::new("bin/hello")).unwrap(), FileKind::Binary);
        assert_eq!(Language::from_path(Path::new("x.rb")).unwrap_err().code, ErrorCode::UnknownLanguage);
    }

    #[test]
    fn c_and_cpp_share_the_exec_image() {
        assert_eq!(Language::C.image(), Language::Cpp.image());
        assert_ne!(Language::Python.image(), Language::JavaScript.image());
    }
}
