#!/bin/sh
# setup.sh installs, on a Debian machine, what building and testing vessel
# needs and is missing: the riscv64 cross compiler with its C library (guest
# programs are built by the tests) and qemu-user (the reference the tests
# compare with). Go 1.26 itself must already be installed.
set -e

need=""
command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 || need="$need gcc-riscv64-linux-gnu"
[ -e /usr/riscv64-linux-gnu/lib/libc.so.6 ] || need="$need libc6-dev-riscv64-cross"
command -v qemu-riscv64 >/dev/null 2>&1 || need="$need qemu-user"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"

if [ -n "$need" ]; then
	echo "setup: installing$need"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
	echo "setup: Go 1.26 is required (https://go.dev/dl/) and was not found on PATH" >&2
	exit 1
fi

# Guest programs that exec another riscv64 program run, under qemu-riscv64,
# only when the kernel hands riscv64 ELF files to qemu (binfmt_misc). The
# tests compare vessel with qemu on such programs, so register it when we
# can (as root) and it is not there yet.
bm=/proc/sys/fs/binfmt_misc
if [ "$(id -u)" -eq 0 ] && [ ! -e $bm/qemu-riscv64 ]; then
	[ -e $bm/register ] || mount -t binfmt_misc binfmt_misc $bm 2>/dev/null || true
	if [ -w $bm/register ]; then
		printf '%s' ':qemu-riscv64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-riscv64:F' > $bm/register ||
			echo "setup: could not register qemu-riscv64 with binfmt_misc; exec tests against qemu will fail" >&2
	fi
fi
