#!/bin/sh
# demo.sh builds a few riscv64 guest programs and runs them under vessel:
# a static and a dynamic hello, a traced run, a program confined to a root,
# and a fault turned into SIGSEGV.
set -e
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CC=riscv64-linux-gnu-gcc

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

$CC -O2 -static -o "$out/hello" testdata/guest/hello.c
$CC -O2 -o "$out/hello-dyn" testdata/guest/hello.c
$CC -O2 -static -o "$out/segv" testdata/guest/segv.c
$CC -O2 -static -o "$out/compute" testdata/guest/compute.c

say "a static riscv64 hello under vessel"
file "$out/hello" 2>/dev/null | sed 's/,.*//' || true
bin/vessel run "$out/hello"

say "a dynamically linked hello: the interpreter comes from the cross sysroot (-L)"
bin/vessel run -L /usr/riscv64-linux-gnu "$out/hello-dyn"

say "every syscall it makes (--strace)"
bin/vessel run --strace "$out/hello"

say "confined to a root: the guest sees only DIR"
mkdir -p "$out/root/bin"
cp "$out/hello" "$out/root/bin/hello"
bin/vessel run --root "$out/root" /bin/hello

say "a compute workload (CRC, sort, matrix, hashing)"
bin/vessel run "$out/compute"

say "a write to a read-only page: SIGSEGV, exit status 139 as a shell reports it"
set +e
bin/vessel run "$out/segv"
echo "exit status $?"
