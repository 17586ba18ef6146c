package vessel_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"vessel/internal/syscalls"
)

// TestSyscallDoc keeps docs/syscalls.md, the compatibility list, equal to
// the syscall table it is generated from (go test -run SyscallDoc -update).
func TestSyscallDoc(t *testing.T) {
	var sb strings.Builder
	rows := syscalls.Rows()
	full := 0
	for _, r := range rows {
		if r.Support == syscalls.Full {
			full++
		}
	}
	fmt.Fprintf(&sb, "# Syscalls\n\nGenerated from vessel's syscall table (internal/syscalls) by `go test -run SyscallDoc -update`; do not edit.\n\n")
	fmt.Fprintf(&sb, "vessel implements %d riscv64 Linux syscalls, %d of them fully. Every other number returns ENOSYS and is reported once on standard error.\n\n", len(rows), full)
	sb.WriteString("| nr | syscall | support | note |\n|---:|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&sb, "| %d | %s | %s | %s |\n", r.Nr, r.Name, r.Support, r.Note)
	}
	const doc = "docs/syscalls.md"
	if *update {
		must(t, os.MkdirAll("docs", 0o755))
		must(t, os.WriteFile(doc, []byte(sb.String()), 0o644))
	}
	want, err := os.ReadFile(doc)
	must(t, err)
	if sb.String() != string(want) {
		t.Errorf("%s is out of date with the syscall table: run go test -run SyscallDoc -update", doc)
	}
}
