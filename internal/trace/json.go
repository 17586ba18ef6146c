package trace

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"
)

// JSON writes every event as one JSON object per line (JSON Lines), with
// the virtual timestamp and only the fields that apply:
//
//	{"t":21873,"kind":"syscall","pid":1,"tid":1,"nr":64,"name":"write","args":"1, \"hi\\n\", 3","ret":"3"}
//	{"t":22010,"kind":"state","pid":1,"tid":1,"code":90,"name":"zombie"}
type JSON struct {
	mu  sync.Mutex
	w   *bufio.Writer
	enc *json.Encoder
	err error // guarded by mu: the first write error
}

// jsonEvent is Event with the names and omissions of the JSON form.
type jsonEvent struct {
	Time uint64 `json:"t"`
	Kind string `json:"kind"`
	Pid  int32  `json:"pid,omitempty"`
	Tid  int32  `json:"tid,omitempty"`
	Nr   int    `json:"nr,omitempty"`
	Name string `json:"name,omitempty"`
	Args string `json:"args,omitempty"`
	Ret  string `json:"ret,omitempty"`
	Code int    `json:"code,omitempty"`
	Text string `json:"text,omitempty"`
}

// NewJSON returns a sink that writes to w. Call Flush when done.
func NewJSON(w io.Writer) *JSON {
	bw := bufio.NewWriter(w)
	return &JSON{w: bw, enc: json.NewEncoder(bw)}
}

// Event writes e's line.
func (j *JSON) Event(e *Event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return
	}
	j.err = j.enc.Encode(jsonEvent{e.Time, e.Kind.String(), e.Pid, e.Tid, e.Nr, e.Name, e.Args, e.Ret, e.Code, e.Text})
}

// Flush writes out buffered lines and returns the first error met.
func (j *JSON) Flush() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.w.Flush(); j.err == nil {
		j.err = err
	}
	return j.err
}
