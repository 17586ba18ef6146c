#!/bin/sh
# demo.sh shows vessel running real programs. It first builds a riscv64 guest
# root from u-root's core commands (scripts/userland.sh, cached in
# bin/userland), then:
#
#   - with a terminal on standard input, boots an interactive shell (u-root's
#     gosh) in that root under vessel's init: `vessel run --init --root
#     bin/userland /bin/gosh`;
#   - otherwise, feeds that shell a scripted tour of the process model (fork
#     and exec, pipes, a sleeping child, a busy one, a zombie, SIGSTOP,
#     SIGCONT, SIGTERM and SIGKILL, ps), and then runs guest programs built
#     from testdata/guest: a static and a dynamic hello, a traced run, a
#     program confined to a root, a compute workload, threads with their
#     trace, a Go program, and a fault turned into SIGSEGV.
#
# demo.sh --shell or --tour picks one of the two whatever standard input is.
set -e
cd "$(dirname "$0")/.."
CC=riscv64-linux-gnu-gcc

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

mode=tour
[ -t 0 ] && mode=shell
case ${1-} in
--shell) mode=shell ;;
--tour) mode=tour ;;
"") ;;
*)
	echo "usage: $0 [--shell | --tour]" >&2
	exit 2
	;;
esac

root=bin/userland
if [ ! -f $root/.userland ]; then
	echo "demo: building the guest root $root from u-root's core commands for riscv64 (about a minute the first time)"
fi
./scripts/userland.sh $root

if [ $mode = shell ]; then
	say "an interactive riscv64 shell (u-root's gosh) under vessel"
	cat <<'EOF'
Every command you type runs as a riscv64 guest process; vessel's init is PID 1.
Try: ls -l /bin   ps aux   echo hi | cat   sleep 30 &   kill PID   zombie 30 &
Leave with exit or Ctrl-D.
EOF
	exec bin/vessel run --init --root $root /bin/gosh
fi

say "a scripted tour in a riscv64 shell: vessel run --init --root $root /bin/gosh <tour"
bin/vessel run --init --root $root /bin/gosh <<'EOF'
echo '## who is here'
uname -a
cat /etc/motd
echo "this shell is pid $$ and its parent is $PPID: PID 1 is vessel's init (--init)"

echo
echo '## fork and exec: every command is a new guest process'
ls -l /bin | head -n 4
echo "$(ls /bin | wc -l) commands in /bin"

echo
echo '## pipes: three processes joined by two pipes, and a file on /tmp'
echo 'hello, pipes' | tr '[:lower:]' '[:upper:]' | wc -c
seq 1 12 | grep 1 | sort -r | head -n 3
echo data >/tmp/file && cat /tmp/file

echo
echo '## a sleeping child (S), a busy one (R) and a zombie (Z), as ps reads them from /proc'
sleep 30 &
yes >/dev/null &
zombie 30 &
sleep 0.5
ps aux

echo
echo '## signals: SIGSTOP stops yes (T); SIGCONT and SIGTERM end it'
kill -SIGSTOP $(pidof yes)
sleep 0.2
ps aux | grep -e PID -e yes
kill -SIGCONT $(pidof yes)
kill -SIGTERM $(pidof yes)
echo 'SIGTERM to sleep and to zombie: init adopts the orphaned zombie child and reaps it'
kill $(pidof sleep) $(pidof zombie)
sleep 0.3
ps aux

echo
echo '## exit statuses: a normal exit, and death by a signal (128+N)'
false; echo "false: $?"
gosh -c 'kill -SIGKILL $$'; echo "a shell that sent itself SIGKILL: $?"
EOF

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

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
