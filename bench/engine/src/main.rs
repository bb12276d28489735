//! `lci-bench-engine LANGUAGE RUNS`: times, in this one process and on our guest image of LANGUAGE
//! (`python` — the standard image — or `javascript`), the bare engine and our core crate doing the same
//! work, `print("ok")`:
//! - `engine_restore_run`: hyperlight-unikraft's own API, restore to the snapshot then run (what a
//!   warm run costs the bare engine);
//! - `engine_restore`: the restore alone;
//! - `engine_run_hot`: the run alone, on a guest that has just run (nothing to fault back in);
//! - `engine_run_touched`: the run alone, on a guest restored and then touched (the image's trivial
//!   program), as our pool hands them out;
//! - `engine_run_touched_as_ours`: the same, submitting what our core submits (Python: a call of
//!   the runner, which parses the cell and hands back its value and images);
//! - `core_run`: our core's warm `Sandbox::run_code`, with its pool restoring ahead of the request;
//!   `core_take_guest` and `core_guest_run`: the parts of it spent taking a clean guest from the pool
//!   and running the program in it (the run's `timings`);
//!
//! Prints one JSON object: each figure's median and minimum in milliseconds. The engine guest boots
//! from the same image, runs the same warm-up and registers the same host functions as ours does.
//! Run where micro-VMs run (bench/speed.mjs runs it, in the emulated-KVM VM when needed).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hyperlight_unikraft::{Exec, SandboxBuilder};
use lci_sandbox::images::{self, PythonImage};
use lci_sandbox::sandbox::{RunOptions, Sandbox, SandboxOptions};
use lci_sandbox::Language;

fn main() {
    let mut args = std::env::args().skip(1);
    let language = match args.next().as_deref() {
        Some("python") => Language::Python,
        Some("javascript") => Language::JavaScript,
        other => fail(&format!("usage: lci-bench-engine python|javascript RUNS (got {other:?})")),
    };
    let second = args.next();
    if let Some(mode @ ("save" | "load" | "load-copy")) = second.as_deref() {
        let dir = PathBuf::from(args.next().unwrap_or_else(|| fail("usage: lci-bench-engine LANGUAGE save|load|load-copy DIR")));
        return from_disk(language, mode, &dir);
    }
    let runs: usize = second.and_then(|n| n.parse().ok()).unwrap_or(30);
    let (roots, image, code) = subject(language);

    // The bare engine, booted and warmed as our guests are.
    let (mut guest, snapshot) = boot_warm(&image);
    let run = |guest: &mut hyperlight_unikraft::AppSandbox| {
        guest.run(Exec::Code(code.into())).unwrap_or_else(|e| fail(&format!("run: {e}")));
        let out = guest.take_output();
        assert!(out.text.contains("ok"), "the engine's run printed {:?}", out.text);
    };
    let mut restore_run = Vec::new();
    let mut restore = Vec::new();
    let mut hot = Vec::new();
    let mut touched = Vec::new();
    let mut elsewhere = Vec::new();
    let mut touched_ours = Vec::new();
    // What our core submits for the same program (Python: a call of the runner; JavaScript: the code).
    let ours_exec = || match language {
        Language::Python => Exec::Call {
            function: lci_sandbox::rich::PYTHON_RUNNER.into(),
            input: lci_sandbox::rich::python_call_input(code),
        },
        _ => Exec::Code(code.into()),
    };
    let touch = image.touch.unwrap_or("");
    for _ in 0..runs {
        guest.restore(snapshot.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
        guest.run(Exec::Code(touch.into())).unwrap_or_else(|e| fail(&format!("touch: {e}")));
        let _ = guest.take_output();
        let t = Instant::now();
        run(&mut guest);
        touched.push(t.elapsed());
        guest.restore(snapshot.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
        guest.run(Exec::Code(touch.into())).unwrap_or_else(|e| fail(&format!("touch: {e}")));
        let _ = guest.take_output();
        let t = Instant::now();
        guest.run(ours_exec()).unwrap_or_else(|e| fail(&format!("run: {e}")));
        touched_ours.push(t.elapsed());
        assert!(guest.take_output().text.contains("ok"));
        // The same, but restored and touched on another thread, as a pool thread does.
        let snap = snapshot.clone();
        guest = std::thread::spawn(move || {
            guest.restore(snap).unwrap_or_else(|e| fail(&format!("restore: {e}")));
            guest.run(Exec::Code(touch.into())).unwrap_or_else(|e| fail(&format!("touch: {e}")));
            let _ = guest.take_output();
            guest
        })
        .join()
        .unwrap();
        let t = Instant::now();
        run(&mut guest);
        elsewhere.push(t.elapsed());
        let t = Instant::now();
        guest.restore(snapshot.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
        run(&mut guest);
        restore_run.push(t.elapsed());
        let t = Instant::now();
        guest.restore(snapshot.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
        restore.push(t.elapsed());
        run(&mut guest);
        let t = Instant::now();
        run(&mut guest);
        hot.push(t.elapsed());
    }
    drop(guest);

    // Our core, same image, same process.
    let sandbox = Sandbox::new(SandboxOptions {
        image_roots: roots,
        python_image: Some(PythonImage::Standard),
        ..Default::default()
    })
    .unwrap_or_else(|e| fail(&e.message));
    let ours = |sandbox: &Sandbox| {
        let outcome = sandbox.run_code(code, language, RunOptions::default()).unwrap_or_else(|e| fail(&e.message));
        assert!(outcome.output.contains("ok"), "our run printed {:?}", outcome.output);
        outcome.timings
    };
    ours(&sandbox);
    let (mut core, mut core_take, mut core_guest) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let timings = ours(&sandbox);
        core.push(t.elapsed());
        core_take.push(timings.prepare);
        core_guest.push(timings.run);
        // As a caller between requests: the pool restores meanwhile.
        std::thread::sleep(Duration::from_millis(50));
    }

    let figure = |xs: &mut Vec<Duration>| {
        xs.sort();
        serde_json::json!({ "median": ms(xs[xs.len() / 2]), "min": ms(xs[0]) })
    };
    let report = serde_json::json!({
        "language": language.name(),
        "runs": runs,
        "engine_restore_run": figure(&mut restore_run),
        "engine_restore": figure(&mut restore),
        "engine_run_hot": figure(&mut hot),
        "engine_run_touched": figure(&mut touched),
        "engine_run_touched_elsewhere": figure(&mut elsewhere),
        "engine_run_touched_as_ours": figure(&mut touched_ours),
        "core_run": figure(&mut core),
        "core_take_guest": figure(&mut core_take),
        "core_guest_run": figure(&mut core_guest),
    });
    println!("{report}");
}

/// The bare engine and a snapshot on disk (`save`: boot, warm up, snapshot, save to `dir`; `load`: in a
/// new process, load it, start a guest from it and run; `load-copy`: the same, but the guests run from an
/// in-memory copy of the loaded snapshot, taken from the first guest before it runs). Prints each step's
/// time and a few warm runs after, as JSON.
fn from_disk(language: Language, mode: &str, dir: &std::path::Path) {
    let (_, image, code) = subject(language);
    let t = Instant::now();
    if mode == "save" {
        let (_, snapshot) = boot_warm(&image);
        let booted = t.elapsed();
        hyperlight_unikraft::save_snapshot(&snapshot, dir).unwrap_or_else(|e| fail(&format!("save: {e}")));
        println!("{}", serde_json::json!({ "boot": ms(booted), "save": ms(t.elapsed() - booted) }));
        return;
    }
    let loaded = hyperlight_unikraft::load_snapshot(dir).unwrap_or_else(|e| fail(&format!("load: {e}")));
    let load = t.elapsed();
    let t = Instant::now();
    let mut guest = lci_sandbox::engine::register(SandboxBuilder::from_snapshot(loaded.clone()))
        .echo_output(false)
        .boot()
        .unwrap_or_else(|e| fail(&format!("start from the snapshot: {e}")));
    let start = t.elapsed();
    let t = Instant::now();
    let snapshot = match mode {
        "load-copy" => {
            let copy = guest.snapshot().unwrap_or_else(|e| fail(&format!("snapshot: {e}")));
            drop(loaded);
            guest.restore(copy.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
            copy
        }
        _ => loaded,
    };
    let copy = t.elapsed();
    let run = |guest: &mut hyperlight_unikraft::AppSandbox| {
        let t = Instant::now();
        guest.run(Exec::Code(code.into())).unwrap_or_else(|e| fail(&format!("run: {e}")));
        assert!(guest.take_output().text.contains("ok"));
        t.elapsed()
    };
    let first = run(&mut guest);
    let mut warm = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        guest.restore(snapshot.clone()).unwrap_or_else(|e| fail(&format!("restore: {e}")));
        run(&mut guest);
        warm.push(t.elapsed());
    }
    warm.sort();
    println!(
        "{}",
        serde_json::json!({ "mode": mode, "load": ms(load), "start": ms(start), "copy": ms(copy), "first_run": ms(first),
            "first_total": ms(load + start + copy + first), "restore_run_median": ms(warm[warm.len() / 2]) })
    );
}

/// Where images are looked up, `language`'s image (Python: the standard one) and the program every
/// figure runs.
fn subject(language: Language) -> (Vec<PathBuf>, images::GuestImage, &'static str) {
    let roots = vec![std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))];
    let image = images::locate(language, Some(PythonImage::Standard), &roots).unwrap_or_else(|e| fail(&e.message));
    let code = match language {
        Language::Python => "print('ok')",
        _ => "console.log('ok')",
    };
    (roots, image, code)
}

/// The bare engine on `image`, booted and warmed up as our guests are, and its snapshot.
fn boot_warm(image: &images::GuestImage) -> (hyperlight_unikraft::AppSandbox, std::sync::Arc<hyperlight_unikraft::Snapshot>) {
    let mut builder = lci_sandbox::engine::register(SandboxBuilder::from_initrd(&image.rootfs)).echo_output(false);
    if let Some(mb) = image.memory_mb {
        builder = builder.scratch_mb(mb);
    }
    let mut guest = builder.boot().unwrap_or_else(|e| fail(&format!("boot: {e}")));
    if let Some(warmup) = &image.warmup {
        guest.run(Exec::Code(warmup.clone())).unwrap_or_else(|e| fail(&format!("warm-up: {e}")));
    }
    let _ = guest.take_output();
    let snapshot = guest.snapshot().unwrap_or_else(|e| fail(&format!("snapshot: {e}")));
    (guest, snapshot)
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn fail(message: &str) -> ! {
    eprintln!("lci-bench-engine: {message}");
    std::process::exit(1)
}
