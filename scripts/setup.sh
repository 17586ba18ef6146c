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
