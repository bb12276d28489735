//! Compiling C and C++ on the host into a static-PIE binary the exec guest runs: `gcc`/`g++`
//! `-static-pie`, started without a shell, in a private directory, with a clean environment, no input
//! and a time limit that kills the compiler's whole process group.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{ErrorCode, SandboxError};
use crate::language::Language;

/// How long a compilation may take.
pub const COMPILE_TIMEOUT: Duration = Duration::from_secs(180);

static NEXT: AtomicU64 = AtomicU64::new(0);

/// What a compilation produced.
#[derive(Debug)]
pub enum Compiled {
    /// The binary.
    Binary(Vec<u8>),
    /// The compiler (`gcc` or `g++`) refused the code: its exit status and what it said.
    Failed { compiler: &'static str, status: i32, messages: String },
}

/// The compiler for `language` and its flags.
fn compiler(language: Language) -> (&'static str, &'static str, &'static [&'static str]) {
    match language {
        Language::Cpp => ("g++", "main.cpp", &["-std=gnu++17", "-O2", "-pthread", "-static-pie"]),
        _ => ("gcc", "main.c", &["-std=gnu17", "-O2", "-pthread", "-static-pie"]),
    }
}

/// Compiles `code` in a fresh private directory under `work_dir` (removed afterwards).
pub fn compile(language: Language, code: &str, work_dir: &Path, timeout: Duration) -> Result<Compiled, SandboxError> {
    let (cc, source, flags) = compiler(language);
    let dir = work_dir.join(format!("compile-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    let io_err = |what: &str, e: std::io::Error| SandboxError::new(ErrorCode::Engine, format!("cannot {what} {}: {e}", dir.display()));
    std::fs::create_dir_all(&dir).map_err(|e| io_err("create", e))?;
    let _cleanup = RemoveOnDrop(dir.clone());
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| io_err("protect", e))?;
    }
    std::fs::write(dir.join(source), code).map_err(|e| io_err("write the source into", e))?;

    let mut child = Command::new(cc)
        .args(flags)
        .args(["-o", "program", source])
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()))
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                SandboxError::new(
                    ErrorCode::CompilerNotFound,
                    format!("{cc} is not on PATH: install it (Debian: apt-get install {})", if cc == "g++" { "g++" } else { "gcc" }),
                )
            } else {
                SandboxError::new(ErrorCode::Engine, format!("cannot start {cc}: {e}"))
            }
        })?;
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = (
        std::thread::spawn(move || read_all(&mut out)),
        std::thread::spawn(move || read_all(&mut err)),
    );
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| SandboxError::new(ErrorCode::Engine, e.to_string()))? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let messages = readers.0.join().unwrap_or_default() + &readers.1.join().unwrap_or_default();
    match status {
        None => Ok(Compiled::Failed {
            compiler: cc,
            status: crate::outcome::NO_EXIT_CODE,
            messages: format!("{messages}{cc} took longer than {} s and was stopped\n", timeout.as_secs()),
        }),
        Some(s) if s.success() => {
            let binary = std::fs::read(dir.join("program")).map_err(|e| io_err("read the binary from", e))?;
            Ok(Compiled::Binary(binary))
        }
        Some(s) => Ok(Compiled::Failed { compiler: cc, status: s.code().unwrap_or(crate::outcome::NO_EXIT_CODE), messages }),
    }
}

fn read_all(r: &mut impl Read) -> String {
    let mut buf = Vec::new();
    let _ = r.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work() -> PathBuf {
        std::env::temp_dir().join(format!("lci-compile-{}", std::process::id()))
    }

    #[test]
    fn c_and_cpp_compile_to_static_pie_and_leave_no_files() {
        let c = compile(Language::C, "#include <stdio.h>\nint main(void){puts(\"hi\");return 3;}", &work(), COMPILE_TIMEOUT).unwrap();
        let Compiled::Binary(bin) = c else { panic!("{c:?}") };
        crate::elf::check_static_pie("c", &bin).unwrap();
        let cpp = compile(
            Language::Cpp,
            "#include <iostream>\n#include <vector>\n#include <map>\n#include <thread>\nint main(){std::vector<int> v{1,2};std::map<int,int> m;std::thread t([]{});t.join();try{throw 1;}catch(int){}std::cout<<v.size()<<std::endl;}",
            &work(),
            COMPILE_TIMEOUT,
        )
        .unwrap();
        assert!(matches!(cpp, Compiled::Binary(_)), "{cpp:?}");
        assert_eq!(std::fs::read_dir(work()).map(|d| d.count()).unwrap_or(0), 0);
    }

    #[test]
    fn a_compile_error_returns_the_compilers_status_and_messages() {
        let r = compile(Language::C, "int main(void){ return undefined_thing; }", &work(), COMPILE_TIMEOUT).unwrap();
        let Compiled::Failed { compiler, status, messages } = r else { panic!("{r:?}") };
        assert_eq!((compiler, status), ("gcc", 1));
        assert!(messages.contains("undefined_thing"), "{messages}");
    }
}
