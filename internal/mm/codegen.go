package mm

import "sync/atomic"

// codeGenerations counts changes to the contents of live frames made in
// place, other than by a hart's own stores or CopyOut: the hole punch of
// shared memory (object.zero), and the file's own writes and truncates of
// a mapped page (Memory, FileCache). Every other change gives the page a
// new frame, and a frame a hart was handed to execute is never reused
// (frame.go), so code a hart decoded from a frame stays right for the
// frame's life.
var codeGenerations atomic.Uint64

// CodeGeneration implements cpu.CodeMemory: a hart keeps its decoded code
// across a new Generation unless this has changed too.
func (as *AddressSpace) CodeGeneration() uint64 { return codeGenerations.Load() }
