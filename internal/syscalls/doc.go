// Package syscalls is vessel's one riscv64 syscall table: for every syscall
// number a row with its name, its handler, the formats of its arguments and
// result for strace, and how completely vessel supports it. The same row
// drives dispatch, the strace printer and the compatibility list, so they
// cannot drift apart.
//
// Handlers decode arguments, copy guest memory in and out and call the
// kernel, vfs and mm; they hold no policy of their own. A handler returns a
// value and an errno; Invoke turns a non-zero errno into -errno in a0, as
// the kernel ABI does.
package syscalls
