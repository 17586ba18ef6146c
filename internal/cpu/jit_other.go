//go:build !amd64

package cpu

// The translator exists for amd64 hosts only; elsewhere the hart
// interprets everything.

const jitSupported = false

var jitCodeSize = 0

type jitCode struct {
	mem      []byte
	used     int
	restarts int // times it filled up and the icache started over
}

func newJITCode() *jitCode { return nil }

func (jc *jitCode) addr(off uint32) uintptr { return 0 }

func (jc *jitCode) run(off uint32, h *Hart, pc, budget uint64) (uint64, uint64) {
	panic("cpu: no translator")
}

type jitLink struct {
	pos  uint32
	slot uint16
}

func (h *Hart) translate(cp *codePage, pc uint64, buf []byte) ([]byte, int, []jitLink) {
	return nil, 0, nil
}
