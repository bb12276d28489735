//! Whether this machine can run a Hyperlight micro-VM, and what to tell the user when it cannot.
//! A `/dev/kvm` that exists is not enough: some nested or paravirtual KVMs (kvm-pvm) accept the
//! device calls and fail at the first guest entry, so the answer comes from booting a guest.

use std::path::Path;

use crate::error::{ErrorCode, SandboxError};

/// The KVM device Hyperlight uses on Linux.
pub const KVM_DEVICE: &str = "/dev/kvm";

/// Checks what can be checked without booting a guest: the device exists and Hyperlight can open it.
pub fn check_device() -> Result<(), SandboxError> {
    if !Path::new(KVM_DEVICE).exists() {
        return Err(SandboxError::new(
            ErrorCode::NoHypervisor,
            format!(
                "no usable hypervisor: {KVM_DEVICE} does not exist. Hyperlight micro-VMs need KVM: \
                 enable virtualization (VT-x/AMD-V) in the firmware, load the kvm module, or use a \
                 VM with nested virtualization"
            ),
        ));
    }
    if !hyperlight_unikraft::hyperlight_host::is_hypervisor_present() {
        return Err(SandboxError::new(
            ErrorCode::NoHypervisor,
            format!(
                "no usable hypervisor: {KVM_DEVICE} exists but cannot be opened by this process \
                 (check its permissions, e.g. membership of the kvm group)"
            ),
        ));
    }
    Ok(())
}

/// The error for a guest that failed to boot: [`ErrorCode::HypervisorUnusable`] when the failure
/// comes from the hypervisor itself (the first entry into the VM), else [`ErrorCode::Engine`].
pub fn boot_failure(error: &hyperlight_unikraft::Error) -> SandboxError {
    let text = error.to_string();
    if matches!(error, hyperlight_unikraft::Error::Hyperlight(_)) && looks_like_hypervisor_fault(&text) {
        SandboxError::new(
            ErrorCode::HypervisorUnusable,
            format!(
                "no usable hypervisor: {KVM_DEVICE} exists but cannot run a Hyperlight guest ({text}). \
                 This happens on nested or paravirtual KVM (e.g. kvm-pvm); run on a host with \
                 hardware virtualization"
            ),
        )
    } else {
        SandboxError::new(ErrorCode::Engine, format!("the guest failed to boot: {text}"))
    }
}

/// Whether an error text is the hypervisor refusing to run the guest rather than the guest failing.
fn looks_like_hypervisor_fault(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["vcpu exit", "kvm", "hypervisor", "internalerror", "internal error"].iter().any(|s| t.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kvm_pvm_internal_error_reads_as_a_hypervisor_fault() {
        assert!(looks_like_hypervisor_fault("Unknown KVM VCPU exit: InternalError"));
        assert!(!looks_like_hypervisor_fault("failed to read script foo.py"));
    }
}
