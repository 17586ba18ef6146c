package trace

import (
	"strings"
	"testing"
)

func TestBusEnabled(t *testing.T) {
	var nilBus *Bus
	if nilBus.Enabled() {
		t.Errorf("nil bus: Enabled() = true, want false")
	}
	nilBus.Publish(&Event{}) // must not panic
	b := new(Bus)
	if b.Enabled() {
		t.Errorf("bus with no sinks: Enabled() = true, want false")
	}
	var got []Kind
	b.Subscribe(SinkFunc(func(e *Event) { got = append(got, e.Kind) }))
	if !b.Enabled() {
		t.Errorf("bus with a sink: Enabled() = false, want true")
	}
	b.Publish(&Event{Kind: KindSyscall})
	b.Publish(&Event{Kind: KindExit})
	if len(got) != 2 || got[0] != KindSyscall || got[1] != KindExit {
		t.Errorf("sink saw %v, want [syscall exit]", got)
	}
}

func TestStrace(t *testing.T) {
	cases := []struct {
		name   string
		events []Event
		want   string
	}{
		{"one task", []Event{
			{Kind: KindSyscall, Tid: 1, Name: "write", Args: `1, "hi\n", 3`, Ret: "3"},
			{Kind: KindUnsupported, Tid: 1, Name: "io_setup", Args: "0x1, 0x2", Ret: "-1 ENOSYS (Function not implemented)"},
			{Kind: KindExit, Tid: 1, Text: "exited with 0"},
		}, `write(1, "hi\n", 3) = 3
io_setup(0x1, 0x2) = -1 ENOSYS (Function not implemented) (not implemented by vessel)
+++ exited with 0 +++
`},
		{"two tasks", []Event{
			{Kind: KindSyscall, Tid: 1, Name: "getpid", Ret: "1"},
			{Kind: KindSyscall, Tid: 2, Name: "getpid", Ret: "2"},
			{Kind: KindExit, Tid: 2, Text: "killed by SIGSEGV"},
		}, `getpid() = 1
[pid     2] getpid() = 2
[pid     2] +++ killed by SIGSEGV +++
`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sb strings.Builder
			s := NewStrace(&sb)
			for i := range tc.events {
				s.Event(&tc.events[i])
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			if sb.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", sb.String(), tc.want)
			}
		})
	}
}

func BenchmarkDisabled(b *testing.B) {
	bus := new(Bus)
	for b.Loop() {
		if bus.Enabled() {
			bus.Publish(&Event{})
		}
	}
}

func TestJSON(t *testing.T) {
	var sb strings.Builder
	j := NewJSON(&sb)
	j.Event(&Event{Kind: KindSyscall, Time: 7, Pid: 1, Tid: 1, Nr: 64, Name: "write", Args: `1, "hi\n", 3`, Ret: "3"})
	j.Event(&Event{Kind: KindState, Time: 9, Pid: 2, Tid: 2, Code: 'Z', Name: "zombie"})
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"t":7,"kind":"syscall","pid":1,"tid":1,"nr":64,"name":"write","args":"1, \"hi\\n\", 3","ret":"3"}
{"t":9,"kind":"state","pid":2,"tid":2,"name":"zombie","code":90}
`
	if sb.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", sb.String(), want)
	}
}
