fn main() {
  napi_build::setup();
  // Every read(2) compiled into the addon goes through lci_sandbox::stdin::__wrap_read, which serves
  // fd 0 from the current run's stdin and never reads this process's (see crates/sandbox/src/guest/stdin.rs).
  println!("cargo:rustc-link-arg=-Wl,--wrap=read");
}
