// Every read(2) in the bench goes through lci_sandbox::stdin::__wrap_read, as in the addon (see
// crates/binding/build.rs and crates/sandbox/src/guest/stdin.rs): our core refuses to run guests otherwise.
fn main() {
    println!("cargo:rustc-link-arg=-Wl,--wrap=read");
}
