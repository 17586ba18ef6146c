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
$CC -O2 -static -o "$out/procs" testdata/guest/procs.c
$CC -O2 -static -o "$out/threads" testdata/guest/threads.c
GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 go build -o "$out/hello-go" testdata/goguest/hello.go

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

say "the process model: fork, copy-on-write, pipes, signals, wait, process groups"
bin/vessel run "$out/procs"

say "four pthreads under the CFS scheduler; what the kernel saw (--trace-json)"
bin/vessel run --trace-json "$out/trace.jsonl" "$out/threads" | tail -2
printf 'events: '
grep -o '"kind":"[a-z-]*"' "$out/trace.jsonl" | sort | uniq -c | sed 's/"kind"://; s/"//g' | tr -s ' ' | tr '\n' ' '
echo
printf 'context switches: '
grep '"kind":"switch"' "$out/trace.jsonl" | grep -o '"name":"[a-z]*"' | sort | uniq -c | sed 's/"name"://; s/"//g' | tr -s ' ' | tr '\n' ' '
echo

say "a Go program built for riscv64: goroutines, GC, timers, os/signal, a recovered nil dereference"
bin/vessel run "$out/hello-go"

say "a write to a read-only page: SIGSEGV, exit status 139 as a shell reports it"
set +e
bin/vessel run "$out/segv"
echo "exit status $?"
