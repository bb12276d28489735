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

    /// The language a caller names: the canonical names and the usual aliases ([`ALIASES`]),
    /// case-insensitive. Anything else is [`ErrorCode::UnknownLanguage`].
    pub fn from_name(name: &str) -> Result<Language, SandboxError> {
        let wanted = name.trim().to_ascii_lowercase();
        ALIASES.iter().find(|(alias, _)| *alias == wanted).map(|(_, l)| *l).ok_or_else(|| {
            let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
            SandboxError::new(ErrorCode::UnknownLanguage, format!("unknown language {name:?}: expected one of {}", names.join(", ")))
        })
    }

    /// What `run(path)` does with a file, from its extension ([`EXTENSIONS`]; no extension: a
    /// prebuilt binary). Others are [`ErrorCode::UnknownLanguage`].
    pub fn from_path(path: &Path) -> Result<FileKind, SandboxError> {
        let Some(ext) = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()) else {
            return Ok(FileKind::Binary);
        };
        EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, kind)| *kind).ok_or_else(|| {
            let known: Vec<String> = EXTENSIONS.iter().map(|(e, _)| format!(".{e}")).collect();
            SandboxError::new(
                ErrorCode::UnknownLanguage,
                format!(
                    "cannot tell the language of {}: .{ext} is not one of {} or a file without extension",
                    path.display(),
                    known.join(", ")
                ),
            )
        })
    }
}

/// Every name `runCode` takes for a language, lower case: the canonical names first.
pub const ALIASES: [(&str, Language); 13] = [
    ("javascript", Language::JavaScript),
    ("python", Language::Python),
    ("c", Language::C),
    ("cpp", Language::Cpp),
    ("js", Language::JavaScript),
    ("node", Language::JavaScript),
    ("quickjs", Language::JavaScript),
    ("mjs", Language::JavaScript),
    ("py", Language::Python),
    ("python3", Language::Python),
    ("c++", Language::Cpp),
    ("cxx", Language::Cpp),
    ("cc", Language::Cpp),
];

/// The extensions of source files, by language: what the CLI's `run <file>` reads as code (it
/// compiles C and C++ like `runCode`).
pub const SOURCE_EXTENSIONS: [(&str, Language); 8] = [
    ("py", Language::Python),
    ("js", Language::JavaScript),
    ("mjs", Language::JavaScript),
    ("cjs", Language::JavaScript),
    ("c", Language::C),
    ("cpp", Language::Cpp),
    ("cc", Language::Cpp),
    ("cxx", Language::Cpp),
];

/// The file extensions `run(path)` knows (lower case, without the dot). A `.o` is not here: an
/// object file is not a program the guest can run.
pub const EXTENSIONS: [(&str, FileKind); 5] = [
    ("js", FileKind::Script(Language::JavaScript)),
    ("mjs", FileKind::Script(Language::JavaScript)),
    ("cjs", FileKind::Script(Language::JavaScript)),
    ("py", FileKind::Script(Language::Python)),
    ("elf", FileKind::Binary),
];

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
        assert_eq!(Language::from_path(Path::new("hello.o")).unwrap_err().code, ErrorCode::UnknownLanguage);
        assert_eq!(Language::from_path(Path::new("x.rb")).unwrap_err().code, ErrorCode::UnknownLanguage);
    }

    #[test]
    fn c_and_cpp_share_the_exec_image() {
        assert_eq!(Language::C.image(), Language::Cpp.image());
        assert_ne!(Language::Python.image(), Language::JavaScript.image());
    }
}
