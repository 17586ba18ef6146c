// Package trace is vessel's event stream: every syscall, fork, exec, exit,
// signal and fault is an Event published on a Bus, and exporters (the
// strace-like text printer, JSON lines) subscribe to it. Publishing costs one
// atomic load when nobody listens, so the kernel calls Bus.Enabled before it
// builds an event.
//
// Concurrency: a Bus may be published to from any goroutine; subscribers are
// called synchronously, in subscription order, under the bus's mutex, so a
// sink sees events one at a time and in publication order.
package trace

import (
	"sync"
	"sync/atomic"
)

// Kind is what an event records.
type Kind uint8

const (
	KindSyscall       Kind = iota + 1 // a syscall returned
	KindExec                          // a task's program was replaced
	KindExit                          // a thread group exited
	KindSignal                        // a signal was delivered (Name "delivered", Text as strace shows it) or generated, ignored, blocked, returned from, stopped or continued a process (Name says which)
	KindFault                         // the hart faulted
	KindUnsupported                   // the first call of an unimplemented syscall
	KindInternalError                 // a vessel bug reached by a guest (Go stack in Text)
	KindClone                         // a task made another (Code: the new tid; Text: fork, vfork or thread)
	KindReap                          // a zombie was reaped (Code: its wait status)
	KindState                         // a task changed state (Code: Linux's letter; Name: the textbook's word)
	KindSwitch                        // a task left the CPU (Name: why; Code: the next task's tid, 0 for idle)
)

var kindNames = [...]string{
	KindSyscall: "syscall", KindExec: "exec", KindExit: "exit", KindSignal: "signal",
	KindFault: "fault", KindUnsupported: "unsupported", KindInternalError: "internal-error",
	KindClone: "clone", KindReap: "reap", KindState: "state", KindSwitch: "switch",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// Event is one thing that happened in the guest. Fields that do not apply to
// a kind are zero.
type Event struct {
	Kind Kind
	Time uint64 // virtual time: instructions retired by the whole kernel so far
	Pid  int32  // thread-group id of the task
	Tid  int32  // the task itself
	Nr   int    // syscall number (KindSyscall, KindUnsupported)
	Name string // syscall name, or the program path (KindExec)
	Args string // decoded arguments, as strace prints them
	Ret  string // decoded result, as strace prints it ("3", "-1 ENOENT (No such file or directory)")
	Code int    // wait status (KindExit, KindReap), signal number (KindSignal, KindFault), tid (KindClone, KindSwitch), state letter (KindState)
	Text string // free text: fault description, Go stack of an internal error
}

// Sink receives events.
type Sink interface {
	Event(e *Event)
}

// Bus fans events out to sinks. The zero value is a bus with no sinks.
type Bus struct {
	mu    sync.Mutex
	sinks []Sink       // guarded by mu
	n     atomic.Int32 // len(sinks), read without mu by Enabled
}

// Subscribe adds s; it sees every event published after it returns.
func (b *Bus) Subscribe(s Sink) {
	b.mu.Lock()
	b.sinks = append(b.sinks, s)
	b.n.Store(int32(len(b.sinks)))
	b.mu.Unlock()
}

// Enabled reports whether anybody listens. A nil bus has no listeners.
func (b *Bus) Enabled() bool { return b != nil && b.n.Load() > 0 }

// Publish hands e to every sink.
func (b *Bus) Publish(e *Event) {
	if !b.Enabled() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.sinks {
		s.Event(e)
	}
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(e *Event)

// Event calls f(e).
func (f SinkFunc) Event(e *Event) { f(e) }
