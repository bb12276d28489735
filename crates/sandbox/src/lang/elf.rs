//! Whether a file is a program the exec guest can run: an x86-64 ELF that is position-independent
//! (`ET_DYN`) and static (no `PT_INTERP`), as `gcc -static-pie` makes.

use crate::error::{ErrorCode, SandboxError};

const ET_DYN: u16 = 3;
const EM_X86_64: u16 = 62;
const PT_INTERP: u32 = 3;

/// Checks `bytes` (the file `name`) is a static-PIE x86-64 ELF executable.
pub fn check_static_pie(name: &str, bytes: &[u8]) -> Result<(), SandboxError> {
    let bad = |why: &str| {
        SandboxError::new(
            ErrorCode::InvalidBinary,
            format!("{name} cannot run in the guest: {why}; build it with `gcc -static-pie` (or `g++ -static-pie`)"),
        )
    };
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" {
        return Err(bad("it is not an ELF executable"));
    }
    if bytes[4] != 2 || bytes[5] != 1 {
        return Err(bad("it is not a 64-bit little-endian ELF"));
    }
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
    if u16_at(18) != EM_X86_64 {
        return Err(bad("it is not built for x86-64"));
    }
    if u16_at(16) != ET_DYN {
        return Err(bad("it is not position-independent (not PIE)"));
    }
    let (phoff, phentsize, phnum) = (u64_at(32) as usize, u16_at(54) as usize, u16_at(56) as usize);
    for i in 0..phnum {
        let at = phoff.saturating_add(i.saturating_mul(phentsize));
        if at.saturating_add(4) > bytes.len() {
            return Err(bad("its program headers are cut short"));
        }
        if u32_at(at) == PT_INTERP {
            return Err(bad("it is dynamically linked"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF header with `e_type` and one program header of type `p_type`.
    fn elf(e_type: u16, p_type: u32) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[16..18].copy_from_slice(&e_type.to_le_bytes());
        b[18..20].copy_from_slice(&EM_X86_64.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&1u16.to_le_bytes());
        b[64..68].copy_from_slice(&p_type.to_le_bytes());
        b
    }

    #[test]
    fn static_pie_passes() {
        check_static_pie("p", &elf(ET_DYN, 1)).unwrap();
    }

    #[test]
    fn non_pie_dynamic_and_non_elf_are_refused_with_the_reason() {
        let e = check_static_pie("p", &elf(2, 1)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidBinary);
        assert!(e.message.contains("not position-independent") && e.message.contains("-static-pie"));
        assert!(check_static_pie("p", &elf(ET_DYN, PT_INTERP)).unwrap_err().message.contains("dynamically linked"));
        assert!(check_static_pie("p", b"#!/bin/sh\necho hi\n").unwrap_err().message.contains("not an ELF"));
    }

    #[test]
    fn the_host_compilers_static_pie_output_passes_and_a_default_build_does_not() {
        let dir = std::env::temp_dir().join(format!("lci-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.c"), "int main(void){return 0;}").unwrap();
        let build = |flags: &[&str], out: &str| {
            let ok = std::process::Command::new("gcc").args(flags).arg("-o").arg(dir.join(out)).arg(dir.join("m.c")).status();
            ok.map(|s| s.success()).unwrap_or(false)
        };
        if !build(&["-static-pie"], "spie") {
            panic!("gcc -static-pie must work on the build host (the C guest needs it)");
        }
        check_static_pie("spie", &std::fs::read(dir.join("spie")).unwrap()).unwrap();
        assert!(build(&["-no-pie"], "nopie"));
        assert!(check_static_pie("nopie", &std::fs::read(dir.join("nopie")).unwrap()).is_err());
        assert!(build(&[], "dyn"));
        assert!(check_static_pie("dyn", &std::fs::read(dir.join("dyn")).unwrap()).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
