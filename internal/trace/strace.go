package trace

import (
	"bufio"
	"fmt"
	"io"
	"sync"
)

// Strace prints events the way strace(1) does: one line per syscall,
// "name(args) = result", prefixed by "[pid N] " once more than one task has
// been seen; exits as "+++ exited with N +++" or "+++ killed by SIGSEGV +++"
// (the event's Text).
type Strace struct {
	mu    sync.Mutex
	w     *bufio.Writer
	pids  map[int32]bool // guarded by mu
	multi bool           // guarded by mu
	line  bool           // guarded by mu: flush after every line
}

// SetLineBuffered makes s write each line as soon as it is complete, for a
// terminal where the lines interleave with the guest's own output.
func (s *Strace) SetLineBuffered(on bool) {
	s.mu.Lock()
	s.line = on
	s.mu.Unlock()
}

// NewStrace returns a sink that writes to w. Call Flush when done.
func NewStrace(w io.Writer) *Strace {
	return &Strace{w: bufio.NewWriter(w), pids: map[int32]bool{}}
}

// Event writes e's line, if it has one.
func (s *Strace) Event(e *Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.pids[e.Tid] {
		s.pids[e.Tid] = true
		s.multi = len(s.pids) > 1
	}
	prefix := ""
	if s.multi {
		prefix = fmt.Sprintf("[pid %5d] ", e.Tid)
	}
	switch e.Kind {
	case KindSyscall:
		fmt.Fprintf(s.w, "%s%s(%s) = %s\n", prefix, e.Name, e.Args, e.Ret)
	case KindUnsupported:
		fmt.Fprintf(s.w, "%s%s(%s) = %s (not implemented by vessel)\n", prefix, e.Name, e.Args, e.Ret)
	case KindExit:
		fmt.Fprintf(s.w, "%s+++ %s +++\n", prefix, e.Text)
	case KindSignal:
		if e.Name == "delivered" && e.Text != "" {
			fmt.Fprintf(s.w, "%s--- %s ---\n", prefix, e.Text)
		}
	case KindFault, KindInternalError:
		fmt.Fprintf(s.w, "%s--- %s: %s ---\n", prefix, e.Kind, e.Text)
	}
	if s.line || e.Kind == KindExit || e.Kind == KindSignal || e.Kind == KindInternalError {
		s.w.Flush()
	}
}

// Flush writes out buffered lines.
func (s *Strace) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Flush()
}
