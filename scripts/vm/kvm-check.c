/*
 * kvm-check: proves that /dev/kvm can run a guest, not merely that it exists.
 *
 * Built statically by scripts/vm/build-image.sh into the test VM's initramfs (/bin/kvm-check); /init runs it
 * before the payload, and copies it to /run/lci-vm/kvm-check inside the chroot so tests can run it too.
 * It opens /dev/kvm, checks the API version, creates a VM with one page of memory and one vCPU, and runs
 * three instructions of 16-bit real-mode code:  mov al, 42 ; out 0xf1, al ; hlt
 * Success means the vCPU exited first with an I/O exit carrying 42 on port 0xf1, then with HLT.
 * Exit status: 0 ok, 1 KVM unusable. Output: one line starting with "kvm-check: ".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what) {
  printf("kvm-check: FAILED at %s: %s\n", what, strerror(errno));
  return 1;
}

static double ms_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

int main(void) {
  static const uint8_t guest_code[] = {0xb0, 42, 0xe6, 0xf1, 0xf4};
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);

  int sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (sys < 0) return fail("open /dev/kvm");
  int api = ioctl(sys, KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) {
    printf("kvm-check: FAILED: API version %d, expected %d\n", api, KVM_API_VERSION);
    return 1;
  }
  int vm = ioctl(sys, KVM_CREATE_VM, 0);
  if (vm < 0) return fail("KVM_CREATE_VM");

  uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return fail("mmap guest memory");
  memcpy(page, guest_code, sizeof guest_code);
  struct kvm_userspace_memory_region region = {
      .slot = 0, .guest_phys_addr = 0, .memory_size = 4096, .userspace_addr = (uintptr_t)page};
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return fail("KVM_SET_USER_MEMORY_REGION");

  int cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (cpu < 0) return fail("KVM_CREATE_VCPU");
  int run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size <= 0) return fail("KVM_GET_VCPU_MMAP_SIZE");
  struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
  if (run == MAP_FAILED) return fail("mmap kvm_run");

  struct kvm_sregs sregs;
  if (ioctl(cpu, KVM_GET_SREGS, &sregs) < 0) return fail("KVM_GET_SREGS");
  sregs.cs.base = 0;
  sregs.cs.selector = 0;
  if (ioctl(cpu, KVM_SET_SREGS, &sregs) < 0) return fail("KVM_SET_SREGS");
  struct kvm_regs regs = {.rip = 0, .rflags = 0x2};
  if (ioctl(cpu, KVM_SET_REGS, &regs) < 0) return fail("KVM_SET_REGS");

  int saw_io = 0;
  for (int exits = 0; exits < 16; exits++) {
    if (ioctl(cpu, KVM_RUN, 0) < 0) return fail("KVM_RUN");
    if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0xf1) {
      uint8_t value = *((uint8_t *)run + run->io.data_offset);
      if (value != 42) {
        printf("kvm-check: FAILED: guest wrote %u, expected 42\n", value);
        return 1;
      }
      saw_io = 1;
    } else if (run->exit_reason == KVM_EXIT_HLT) {
      if (!saw_io) {
        printf("kvm-check: FAILED: guest halted before its I/O exit\n");
        return 1;
      }
      printf("kvm-check: ok (KVM API %d, guest ran and halted in %.1f ms)\n", api, ms_since(&t0));
      return 0;
    } else {
      printf("kvm-check: FAILED: unexpected exit reason %u\n", run->exit_reason);
      return 1;
    }
  }
  printf("kvm-check: FAILED: guest did not halt\n");
  return 1;
}
