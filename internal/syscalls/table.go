package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/trace"
)

// handler runs one syscall. a holds the arguments a0..a5.
type handler func(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno)

// Support says how completely vessel implements a syscall.
type Support uint8

const (
	Unsupported Support = iota // returns ENOSYS (and is logged once)
	Partial                    // implemented; the row's note says what is missing
	Full                       // implemented as Linux documents it
)

func (s Support) String() string {
	return [...]string{"unsupported", "partial", "full"}[s]
}

// row is one syscall: its name, handler, argument and result formats for
// strace, support level and a note.
type row struct {
	name    string
	fn      handler
	args    []format
	ret     format
	support Support
	note    string
}

// Row is the public view of a table row, for documentation.
type Row struct {
	Nr      int
	Name    string
	Support Support
	Note    string
}

// Rows lists every syscall vessel implements, by number.
func Rows() []Row {
	var out []Row
	for nr, r := range table {
		if r.fn != nil {
			out = append(out, Row{Nr: nr, Name: r.name, Support: r.support, Note: r.note})
		}
	}
	return out
}

// Table dispatches syscalls for the kernel.
type Table struct{}

// New returns the syscall table to hand to kernel.Config.
func New() *Table { return &Table{} }

// Invoke runs the syscall in t's registers: a7 the number, a0..a5 the
// arguments; the result goes to a0 (-errno on failure).
func (*Table) Invoke(t *kernel.Task) {
	h := t.Hart
	nr := h.X[17]
	a := &t.SysArgs
	*a = [6]uint64{h.X[10], h.X[11], h.X[12], h.X[13], h.X[14], h.X[15]}
	var r *row
	if nr < uint64(len(table)) && table[nr].fn != nil {
		r = &table[nr]
	}
	bus := t.Kernel().Trace()
	if r == nil {
		name := abi.SyscallName(int(nr))
		t.Kernel().Unsupported(t, int(nr), name)
		h.X[10] = errnoResult(abi.ENOSYS)
		if bus.Enabled() {
			if name == "" {
				name = "syscall_" + itoa(int64(nr))
			}
			bus.Publish(&trace.Event{Kind: trace.KindUnsupported, Time: t.Kernel().Clock(), Pid: t.Tgid, Tid: t.Tid,
				Nr: int(nr), Name: name, Args: formatRaw(*a), Ret: formatErrno(abi.ENOSYS)})
		}
		return
	}
	if !bus.Enabled() {
		v, err := r.fn(t, a)
		setResult(t, v, err)
		return
	}
	args := formatArgs(t, r, a, false)
	if r.ret == fNone {
		// exit and exit_group: strace shows the call, then the exit.
		bus.Publish(&trace.Event{Kind: trace.KindSyscall, Time: t.Kernel().Clock(), Pid: t.Tgid, Tid: t.Tid,
			Nr: int(nr), Name: r.name, Args: completeArgs(t, r, a, args, 0, 0), Ret: "?"})
		v, err := r.fn(t, a)
		setResult(t, v, err)
		return
	}
	v, err := r.fn(t, a)
	setResult(t, v, err)
	ev := &trace.Event{Kind: trace.KindSyscall, Time: t.Kernel().Clock(), Pid: t.Tgid, Tid: t.Tid, Nr: int(nr), Name: r.name}
	ev.Args = completeArgs(t, r, a, args, v, err)
	ev.Ret = formatResult(r.ret, v, err, t.Exiting())
	bus.Publish(ev)
}

func setResult(t *kernel.Task, v uint64, err abi.Errno) {
	switch {
	case err == kernel.EJUSTRETURN:
	case err != 0:
		t.Hart.X[10] = errnoResult(err)
	default:
		t.Hart.X[10] = v
	}
}

// errnoResult is the a0 value of a failed syscall: -errno.
func errnoResult(err abi.Errno) uint64 { return -uint64(err) }
