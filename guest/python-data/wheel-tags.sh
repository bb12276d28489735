# The wheels the data image takes, as pip's --platform/--python-version/--implementation/--abi options: CPython
# 3.11 (the image's Debian 12 interpreter) on x86_64 glibc at most 2.36 (the image's libc; the guest kernel
# lacks syscalls newer ones make). Sourced by guest/build.sh and guest/python-data/lock.sh.
# shellcheck disable=SC2034
PIP_WHEEL_TAGS=(--only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none
  --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_24_x86_64
  --platform manylinux_2_27_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux_2_31_x86_64
  --platform manylinux_2_34_x86_64 --platform manylinux_2_35_x86_64 --platform manylinux_2_36_x86_64
  --platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform linux_x86_64 --platform any)
