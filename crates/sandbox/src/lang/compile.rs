//! Compiling C and C++ on the host into a static-PIE binary the exec guest runs: `gcc`/`g++`
//! `-static-pie`, started without a shell, in a private directory, inside the compile jail
//! ([`crate::lang::jail`]: only the toolchain readable, only that directory writable, no sockets, CPU,
//! memory and file-size limits, a clean environment), with no input and a wall-clock limit; a stop
//! (timeout, cancellation) kills the compiler's whole process group.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{ErrorCode, SandboxError};
use crate::lang::jail::{self, Jail, COMPILE_LIMITS};
use crate::lang::language::Language;
use crate::stop::StopSwitch;

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

/// Compiles `code` in a fresh private directory under `work_dir` (removed afterwards), in the jail.
/// Stops the compiler after `timeout` or when `switch` is thrown (then `Ok(None)`: the caller
/// reports the stop).
pub fn compile(language: Language, code: &str, work_dir: &Path, timeout: Duration, switch: &StopSwitch) -> Result<Option<Compiled>, SandboxError> {
    let (cc, source, flags) = compiler(language);
    if jail::find_on_path(cc).is_none() {
        return Err(not_found(cc));
    }
    let dir = work_dir.join(format!("compile-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    let io_err = |what: &str, e: std::io::Error| SandboxError::new(ErrorCode::Engine, format!("cannot {what} {}: {e}", dir.display()));
    std::fs::create_dir_all(&dir).map_err(|e| io_err("create", e))?;
    let _cleanup = RemoveOnDrop(dir.clone());
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| io_err("protect", e))?;
    }
    std::fs::write(dir.join(source), code).map_err(|e| io_err("write the source into", e))?;

    let jail = Jail::new(&dir, COMPILE_LIMITS)?;
    let mut command = Command::new(cc);
    command
        .args(flags)
        .args(["-o", "program", source])
        .current_dir(&dir)
        .env_clear()
        .env("PATH", &jail.path)
        .env("LC_ALL", "C")
        .env("TMPDIR", &dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // Safety: `enter` makes raw system calls only, as a child between fork and exec must.
    unsafe { command.pre_exec(move || jail.enter()) };
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            not_found(cc)
        } else {
            SandboxError::new(ErrorCode::CompileJailUnavailable, format!("cannot start {cc} in the compile jail: {e}"))
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
        let stopped = switch.reason().is_some();
        if stopped || Instant::now() >= deadline {
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            break if stopped { return Ok(None) } else { None };
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let messages = readers.0.join().unwrap_or_default() + &readers.1.join().unwrap_or_default();
    Ok(Some(match status {
        None => Compiled::Failed {
            compiler: cc,
            status: crate::outcome::NO_EXIT_CODE,
            messages: format!("{messages}{cc} took longer than {} s and was stopped\n", timeout.as_secs()),
        },
        Some(s) if s.success() => {
            let binary = std::fs::read(dir.join("program")).map_err(|e| io_err("read the binary from", e))?;
            Compiled::Binary(binary)
        }
        Some(s) => {
            // Killed at a limit (CPU: SIGKILL/SIGXCPU, file size: SIGXFSZ): the driver reports it when
            // a subprocess was killed; the driver itself killed has no status of its own.
            let status = s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0));
            Compiled::Failed { compiler: cc, status, messages }
        }
    }))
}

fn not_found(cc: &str) -> SandboxError {
    SandboxError::new(ErrorCode::CompilerNotFound, format!("{cc} is not on PATH: install it (Debian: apt-get install {cc})"))
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

    fn build(language: Language, code: &str) -> Compiled {
        compile(language, code, &work(), COMPILE_TIMEOUT, &StopSwitch::default()).unwrap().expect("not stopped")
    }

    /// A host file only the test knows, and its text.
    fn host_secret(name: &str) -> (PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("lci-secret-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = format!("HOST-SECRET-{name}-{}", std::process::id());
        std::fs::write(dir.join("secret.txt"), format!("{text}\n")).unwrap();
        (dir.join("secret.txt"), text)
    }

    /// The compile failed because the jail refused the file, and the secret is nowhere in the result.
    fn assert_refused(result: &Compiled, secret: &str) {
        let Compiled::Failed { messages, .. } = result else { panic!("compiled: {result:?}") };
        assert!(!messages.contains(secret), "the secret is in the messages: {messages}");
        // gcc says why; the assembler's .incbin says "file not found" for a file it may not open.
        assert!(messages.contains("Permission denied") || messages.contains("file not found"), "{messages}");
    }

    #[test]
    fn c_and_cpp_compile_to_static_pie_and_leave_no_files() {
        let c = build(Language::C, "#include <stdio.h>\n#include <math.h>\nint main(void){printf(\"%f\", sqrt(2.0));return 3;}");
        let Compiled::Binary(bin) = c else { panic!("{c:?}") };
        crate::lang::elf::check_static_pie("c", &bin).unwrap();
        let cpp = build(
            Language::Cpp,
            "#include <iostream>\n#include <vector>\n#include <map>\n#include <thread>\n#include <cmath>\nint main(){std::vector<int> v{1,2};std::map<int,int> m;std::thread t([]{});t.join();try{throw 1;}catch(int){}std::cout<<v.size()<<std::sqrt(2.0)<<std::endl;}",
        );
        assert!(matches!(cpp, Compiled::Binary(_)), "{cpp:?}");
        assert_eq!(std::fs::read_dir(work()).map(|d| d.count()).unwrap_or(0), 0);
    }

    #[test]
    fn a_compile_error_returns_the_compilers_status_and_messages() {
        let r = build(Language::C, "int main(void){ return undefined_thing; }");
        let Compiled::Failed { compiler, status, messages } = r else { panic!("{r:?}") };
        assert_eq!((compiler, status), ("gcc", 1));
        assert!(messages.contains("undefined_thing"), "{messages}");
    }

    #[test]
    fn include_of_an_absolute_host_path_does_not_reach_the_file() {
        let (path, secret) = host_secret("include");
        let r = build(Language::C, &format!("#include \"{}\"\nint main(void){{return 0;}}", path.display()));
        assert_refused(&r, &secret);
    }

    #[test]
    fn include_climbing_out_of_the_run_directory_does_not_reach_the_file() {
        let (path, secret) = host_secret("dotdot");
        let climb = "../".repeat(32);
        let r = build(Language::Cpp, &format!("#include \"{climb}{}\"\nint main(){{}}", path.display().to_string().trim_start_matches('/')));
        assert_refused(&r, &secret);
    }

    #[test]
    fn incbin_of_a_host_file_does_not_reach_the_file() {
        let (path, secret) = host_secret("incbin");
        let code = format!("__asm__(\".section .rodata\\n.global blob\\nblob: .incbin \\\"{}\\\"\\n.byte 0\\n\");\nextern const char blob[];\n#include <stdio.h>\nint main(void){{puts(blob);return 0;}}", path.display());
        let r = build(Language::C, &code);
        assert_refused(&r, &secret);
    }

    #[test]
    fn include_of_proc_self_environ_is_refused() {
        let r = build(Language::C, "#include </proc/self/environ>\nint main(void){return 0;}");
        let Compiled::Failed { messages, .. } = &r else { panic!("{r:?}") };
        assert!(messages.contains("Permission denied") || messages.contains("No such file"), "{messages}");
        assert!(!messages.contains("PATH="), "{messages}");
    }

    #[test]
    fn a_giant_static_array_ends_at_the_file_size_limit() {
        let r = build(Language::C, "char big[1L << 30] = {1};\nint main(void){return big[0];}");
        let Compiled::Failed { status, messages, .. } = &r else { panic!("{r:?}") };
        assert_ne!(*status, 0, "{messages}");
    }

    #[test]
    fn a_stop_kills_the_compiler() {
        let switch = StopSwitch::default();
        switch.stop(crate::StopReason::Cancelled);
        let r = compile(Language::C, "int main(void){return 0;}", &work(), COMPILE_TIMEOUT, &switch).unwrap();
        assert!(r.is_none());
    }
}
