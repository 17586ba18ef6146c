package sched

import (
	"math"
	"slices"
	"testing"

	"vessel/internal/abi"
)

// ent returns an entity named name (in Task) with the given policy, nice
// and RT priority.
func ent(name string, policy, nice, rtprio int) *Entity {
	return &Entity{Policy: policy, Nice: nice, RTPrio: rtprio, Task: name}
}

// cfs returns a SCHED_NORMAL entity named name at nice 0 with vruntime v.
func cfs(name string, v uint64) *Entity {
	return &Entity{Vruntime: v, Task: name}
}

// names returns the Task names of es.
func names(es []*Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Task.(string)
	}
	return out
}

// name is e's Task name, "<nil>" for nil.
func name(e *Entity) string {
	if e == nil {
		return "<nil>"
	}
	return e.Task.(string)
}

// queue returns a run queue with es enqueued in order (not as wake-ups).
func queue(cfg Config, es ...*Entity) *RunQueue {
	rq := NewRunQueue(cfg)
	for _, e := range es {
		rq.Enqueue(e, false)
	}
	return rq
}

// runCPUBound simulates CPU-bound entities for total ns the way the kernel's
// loop does: pick, run for the slice or what is left, charge, requeue.
func runCPUBound(t *testing.T, rq *RunQueue, total uint64) {
	t.Helper()
	for left := total; left > 0; {
		e := rq.Pick()
		if e == nil {
			t.Fatal("Pick returned nil with CPU-bound entities queued")
		}
		d := min(rq.Slice(e), left)
		if d == 0 {
			t.Fatalf("Slice(%s) = 0 right after Pick", name(e))
		}
		rq.Charge(e, d)
		rq.Enqueue(e, false)
		left -= d
	}
}

func TestWeight(t *testing.T) {
	tests := []struct {
		nice int
		want uint64
	}{
		{0, 1024}, {5, 335}, {-20, 88761}, {19, 15}, {-1, 1277}, {1, 820},
		{-21, 88761}, {20, 15}, // clamped
	}
	for _, tc := range tests {
		if got := Weight(tc.nice); got != tc.want {
			t.Errorf("Weight(%d) = %d, want %d", tc.nice, got, tc.want)
		}
	}
	if got := (&Entity{Policy: SCHED_IDLE, Nice: -20}).loadWeight(); got != 3 {
		t.Errorf("SCHED_IDLE weight = %d, want 3", got)
	}
}

// TestFairShare: CPU-bound entities get CPU time in proportion to their
// weights. The window must span many periods: with the default 6 ms latency
// 10^8 ns is 16.7 periods, and the unfinished last one alone moves the
// nice 0 : nice 5 ratio by 2.6%, so that row runs 10^9 ns.
func TestFairShare(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		nices []int
		total uint64
	}{
		{"nice 0 vs 5, 1 ms latency", Config{Latency: 1e6, MinGranularity: 1e5}, []int{0, 5}, 1e8},
		{"nice 0 vs 5, 2 ms latency", Config{Latency: 2e6, MinGranularity: 2e5}, []int{0, 5}, 1e8},
		{"nice 0 vs 5, default tunables", Config{}, []int{0, 5}, 1e9},
		{"nice 0 vs 0", Config{Latency: 1e6, MinGranularity: 1e5}, []int{0, 0}, 1e8},
		{"nice -5, 0, 5", Config{Latency: 1e6, MinGranularity: 1e5}, []int{-5, 0, 5}, 1e8},
		{"nice 0 vs 19, minimum slice", Config{Latency: 1e6, MinGranularity: 1e5}, []int{0, 19}, 1e9},
		{"ten at nice 0, stretched period", Config{Latency: 4e5, MinGranularity: 1e5}, []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1e8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := NewRunQueue(tc.cfg)
			es := make([]*Entity, len(tc.nices))
			var total uint64
			for i, n := range tc.nices {
				es[i] = ent("", SCHED_NORMAL, n, 0)
				total += Weight(n)
				rq.Enqueue(es[i], false)
			}
			runCPUBound(t, rq, tc.total)
			// CFS's invariant, whatever the window: the vruntimes stay
			// within one turn's worth of virtual time of each other.
			var spread, lo, hi uint64 = 0, math.MaxUint64, 0
			for _, e := range es {
				lo, hi = min(lo, e.Vruntime), max(hi, e.Vruntime)
				spread = max(spread, calcDeltaFair(rq.Slice(e), e.loadWeight()))
			}
			if hi-lo > spread {
				t.Errorf("vruntimes span %d..%d, want within %d", lo, hi, spread)
			}
			for i := 1; i < len(es); i++ {
				got := float64(es[0].SumExec) / float64(es[i].SumExec)
				want := float64(Weight(tc.nices[0])) / float64(Weight(tc.nices[i]))
				if math.Abs(got/want-1) > 0.02 {
					t.Errorf("CPU time nice %d : nice %d = %.4f, want %.4f within 2%%",
						tc.nices[0], tc.nices[i], got, want)
				}
			}
		})
	}
}

// TestRRRotation: SCHED_RR entities of one priority each run exactly
// RRSlice, in order, round after round, even when charged piecemeal.
func TestRRRotation(t *testing.T) {
	const slice = 1000
	a, b, c := ent("a", SCHED_RR, 0, 10), ent("b", SCHED_RR, 0, 10), ent("c", SCHED_RR, 0, 10)
	rq := queue(Config{RRSlice: slice}, a, b, c)
	want := []string{"a", "b", "c"}
	for round := range 4 {
		for i := range want {
			e := rq.Pick()
			if name(e) != want[i] {
				t.Fatalf("round %d turn %d: Pick = %s, want %s", round, i, name(e), want[i])
			}
			for ran := uint64(0); ran < slice; ran += 250 {
				if got := rq.Slice(e); got != slice-ran {
					t.Fatalf("round %d: Slice(%s) after %d ns = %d, want %d", round, name(e), ran, got, slice-ran)
				}
				if rq.ShouldPreempt(e) {
					t.Fatalf("round %d: ShouldPreempt(%s) = true with equal priority peers", round, name(e))
				}
				rq.Charge(e, 250)
			}
			if got := rq.Slice(e); got != slice {
				t.Errorf("round %d: Slice(%s) after expiry = %d, want refilled %d", round, name(e), got, slice)
			}
			rq.Enqueue(e, false)
		}
	}
	for _, e := range []*Entity{a, b, c} {
		if e.SumExec != 4*slice {
			t.Errorf("%s SumExec = %d, want %d", name(e), e.SumExec, 4*slice)
		}
	}
}

// TestRRPreemptedKeepsPlace: an RR entity preempted mid-slice returns to the
// head of its priority with the rest of its slice.
func TestRRPreemptedKeepsPlace(t *testing.T) {
	a, b := ent("a", SCHED_RR, 0, 10), ent("b", SCHED_RR, 0, 10)
	rq := queue(Config{RRSlice: 1000}, a, b)
	rq.Pick()
	rq.Charge(a, 300)
	h := ent("h", SCHED_FIFO, 0, 20)
	rq.Enqueue(h, true)
	if !rq.ShouldPreempt(a) {
		t.Fatal("ShouldPreempt(a) = false with a higher priority FIFO queued")
	}
	rq.Enqueue(a, false)
	if got := name(rq.Pick()); got != "h" {
		t.Fatalf("Pick = %s, want h", got)
	}
	rq.Dequeue(h)
	if got := name(rq.Pick()); got != "a" {
		t.Fatalf("Pick after h left = %s, want a", got)
	}
	if got := rq.Slice(a); got != 700 {
		t.Errorf("Slice(a) = %d, want 700", got)
	}
}

// TestFIFOPreemptsCFS: a runnable FIFO entity takes the CPU from CFS and
// keeps it until it leaves.
func TestFIFOPreemptsCFS(t *testing.T) {
	a, b := cfs("a", 0), cfs("b", 0)
	rq := queue(Config{}, a, b)
	cur := rq.Pick()
	f := ent("f", SCHED_FIFO, 0, 1)
	rq.Enqueue(f, true)
	if !rq.ShouldPreempt(cur) {
		t.Fatalf("ShouldPreempt(%s) = false with a FIFO entity queued", name(cur))
	}
	rq.Enqueue(cur, false)
	if got := name(rq.Pick()); got != "f" {
		t.Fatalf("Pick = %s, want f", got)
	}
	if got := rq.Slice(f); got != math.MaxUint64 {
		t.Errorf("Slice(f) = %d, want MaxUint64", got)
	}
	for range 3 {
		rq.Charge(f, 1e9)
		if rq.ShouldPreempt(f) {
			t.Fatal("ShouldPreempt(f) = true with only CFS entities queued")
		}
		rq.Enqueue(f, false)
		if got := name(rq.Pick()); got != "f" {
			t.Fatalf("Pick while f runnable = %s, want f", got)
		}
	}
	rq.Dequeue(f)
	if got := name(rq.Pick()); got != "a" && got != "b" {
		t.Errorf("Pick after f blocked = %s, want a CFS entity", got)
	}
}

// TestRTPreemption: who preempts whom among the classes.
func TestRTPreemption(t *testing.T) {
	tests := []struct {
		name       string
		curr, wake *Entity
		want       bool
	}{
		{"higher FIFO preempts FIFO", ent("c", SCHED_FIFO, 0, 10), ent("w", SCHED_FIFO, 0, 20), true},
		{"lower FIFO does not preempt FIFO", ent("c", SCHED_FIFO, 0, 20), ent("w", SCHED_FIFO, 0, 10), false},
		{"equal FIFO does not preempt", ent("c", SCHED_FIFO, 0, 10), ent("w", SCHED_FIFO, 0, 10), false},
		{"higher FIFO preempts RR", ent("c", SCHED_RR, 0, 10), ent("w", SCHED_FIFO, 0, 11), true},
		{"lower RR does not preempt FIFO", ent("c", SCHED_FIFO, 0, 50), ent("w", SCHED_RR, 0, 49), false},
		{"RR preempts nice -20", ent("c", SCHED_NORMAL, -20, 0), ent("w", SCHED_RR, 0, 1), true},
		{"CFS does not preempt FIFO", ent("c", SCHED_FIFO, 0, 1), ent("w", SCHED_NORMAL, -20, 0), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := queue(Config{}, tc.curr)
			rq.Pick()
			rq.Enqueue(tc.wake, true)
			if got := rq.ShouldPreempt(tc.curr); got != tc.want {
				t.Errorf("ShouldPreempt = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFIFOPreemptedKeepsPlace: a preempted FIFO entity runs again before its
// equal-priority peers.
func TestFIFOPreemptedKeepsPlace(t *testing.T) {
	f1, f2 := ent("f1", SCHED_FIFO, 0, 10), ent("f2", SCHED_FIFO, 0, 10)
	rq := queue(Config{}, f1, f2)
	rq.Pick()
	h := ent("h", SCHED_FIFO, 0, 20)
	rq.Enqueue(h, true)
	rq.Enqueue(f1, false)
	var got []string
	for e := rq.Pick(); e != nil; e = rq.Pick() {
		got = append(got, name(e))
		rq.Dequeue(e)
	}
	if want := []string{"h", "f1", "f2"}; !slices.Equal(got, want) {
		t.Errorf("pick order = %v, want %v", got, want)
	}
}

// TestSleeperPlacement: a sleeper comes back at most half a latency behind
// min_vruntime.
func TestSleeperPlacement(t *testing.T) {
	tests := []struct {
		name   string
		old    func(minv uint64) uint64 // the sleeper's vruntime as it wakes
		wakeup bool
		want   func(minv, lat uint64) uint64
	}{
		{"long sleeper is placed at min_vruntime - Latency/2",
			func(uint64) uint64 { return 0 }, true,
			func(minv, lat uint64) uint64 { return minv - lat/2 }},
		{"short sleeper keeps its vruntime",
			func(minv uint64) uint64 { return minv - 1000 }, true,
			func(minv, lat uint64) uint64 { return minv - 1000 }},
		{"no placement without wakeup",
			func(uint64) uint64 { return 0 }, false,
			func(minv, lat uint64) uint64 { return 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := queue(Config{}, cfs("a", 0), cfs("b", 0))
			runCPUBound(t, rq, 1e8)
			minv, lat := rq.MinVruntime(), rq.Config().Latency
			if minv < lat {
				t.Fatalf("MinVruntime = %d after 10^8 ns, want > %d", minv, lat)
			}
			s := cfs("s", tc.old(minv))
			rq.Enqueue(s, tc.wakeup)
			if got, want := s.Vruntime, tc.want(minv, lat); got != want {
				t.Errorf("vruntime = %d, want %d (min_vruntime %d)", got, want, minv)
			}
		})
	}
}

// TestSleeperCannotMonopolise: a placed sleeper shares the CPU after at most
// half a latency of catching up.
func TestSleeperCannotMonopolise(t *testing.T) {
	a := cfs("a", 0)
	rq := queue(Config{}, a)
	runCPUBound(t, rq, 1e8)
	s := cfs("s", 0)
	rq.Enqueue(s, true)
	runCPUBound(t, rq, 1e7)
	if s.SumExec > 1e7/2+rq.Config().Latency/2+rq.Config().Latency {
		t.Errorf("woken sleeper ran %d of 10^7 ns, want about half plus Latency/2", s.SumExec)
	}
}

// TestWakeupPreemptCFS: a woken CFS entity preempts a CFS current only when
// it is behind by more than the wakeup granularity in its virtual time.
func TestWakeupPreemptCFS(t *testing.T) {
	const v = 10_000_000
	gran := uint64(DefaultWakeupGranularity)
	granM5 := gran * 1024 / Weight(-5)
	tests := []struct {
		name       string
		curr, wake *Entity
		want       bool
	}{
		{"equal vruntime", cfs("c", v), cfs("w", v), false},
		{"ahead", cfs("c", v), cfs("w", v+1), false},
		{"behind by the granularity", cfs("c", v), cfs("w", v-gran), false},
		{"behind by more than the granularity", cfs("c", v), cfs("w", v-gran-1), true},
		{"nice -5 behind by its smaller granularity", cfs("c", v), &Entity{Nice: -5, Vruntime: v - granM5 - 1, Task: "w"}, true},
		{"nice -5 within it", cfs("c", v), &Entity{Nice: -5, Vruntime: v - granM5, Task: "w"}, false},
		{"batch does not wake-preempt", cfs("c", v), &Entity{Policy: SCHED_BATCH, Vruntime: 0, Task: "w"}, false},
		{"idle does not preempt normal", cfs("c", v), &Entity{Policy: SCHED_IDLE, Vruntime: 0, Task: "w"}, false},
		{"normal preempts idle regardless", &Entity{Policy: SCHED_IDLE, Vruntime: v, Task: "c"}, cfs("w", v+gran*10), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := queue(Config{}, tc.curr)
			rq.Pick()
			rq.Enqueue(tc.wake, false)
			if got := rq.ShouldPreempt(tc.curr); got != tc.want {
				t.Errorf("ShouldPreempt = %v, want %v (curr %d, woken %d)", got, tc.want, tc.curr.Vruntime, tc.wake.Vruntime)
			}
		})
	}
}

func TestSlice(t *testing.T) {
	tests := []struct {
		name  string
		curr  *Entity
		peers []*Entity
		want  uint64
	}{
		{"alone", cfs("c", 0), nil, DefaultLatency},
		{"two at nice 0", cfs("c", 0), []*Entity{cfs("p", 0)}, DefaultLatency / 2},
		{"nice 0 against nice 5", cfs("c", 0), []*Entity{ent("p", SCHED_NORMAL, 5, 0)}, DefaultLatency * 1024 / 1359},
		{"eight share the latency", cfs("c", 0), []*Entity{cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0)}, DefaultLatency / 8},
		{"nine stretch the period", cfs("c", 0), []*Entity{cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0), cfs("", 0)}, DefaultMinGranularity},
		{"light entity gets the minimum", ent("c", SCHED_NORMAL, 19, 0), []*Entity{cfs("p", 0)}, DefaultMinGranularity},
		{"RT peers do not count", cfs("c", 0), []*Entity{ent("f", SCHED_FIFO, 0, 1)}, DefaultLatency},
		{"FIFO is unbounded", ent("c", SCHED_FIFO, 0, 1), []*Entity{cfs("p", 0)}, math.MaxUint64},
		{"RR gets its slice", ent("c", SCHED_RR, 0, 1), nil, DefaultRRSlice},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := NewRunQueue(Config{})
			rq.Enqueue(tc.curr, false)
			if got := rq.Pick(); got != tc.curr {
				t.Fatalf("Pick = %s, want c", name(got))
			}
			for _, p := range tc.peers {
				rq.Enqueue(p, false)
			}
			if got := rq.Slice(tc.curr); got != tc.want {
				t.Errorf("Slice = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestSliceCountsDown: the current CFS entity's Slice is what is left of its
// turn, 0 once used up.
func TestSliceCountsDown(t *testing.T) {
	a, b := cfs("a", 0), cfs("b", 0)
	rq := queue(Config{}, a, b)
	rq.Pick()
	for _, step := range []struct{ charge, want uint64 }{{0, 3e6}, {1e6, 2e6}, {1e6, 1e6}, {1e6, 0}, {1e6, 0}} {
		rq.Charge(a, step.charge)
		if got := rq.Slice(a); got != step.want {
			t.Errorf("after %d ns: Slice = %d, want %d", a.SumExec, got, step.want)
		}
	}
}

func TestCharge(t *testing.T) {
	tests := []struct {
		name        string
		e           *Entity
		delta, want uint64 // want: vruntime afterwards
	}{
		{"nice 0 one for one", cfs("e", 0), 1000, 1000},
		{"nice 5 runs fast", ent("e", SCHED_NORMAL, 5, 0), 335, 1024},
		{"nice -20 runs slow", ent("e", SCHED_NORMAL, -20, 0), 88761, 1024},
		{"idle runs very fast", ent("e", SCHED_IDLE, 0, 0), 3, 1024},
		{"FIFO has no vruntime", ent("e", SCHED_FIFO, 0, 1), 1000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := queue(Config{}, tc.e)
			rq.Pick()
			rq.Charge(tc.e, tc.delta)
			if tc.e.Vruntime != tc.want {
				t.Errorf("vruntime = %d, want %d", tc.e.Vruntime, tc.want)
			}
			if tc.e.SumExec != tc.delta {
				t.Errorf("SumExec = %d, want %d", tc.e.SumExec, tc.delta)
			}
		})
	}
}

// TestYield: a yielder goes behind the others of its class.
func TestYield(t *testing.T) {
	tests := []struct {
		name  string
		curr  *Entity
		peers []*Entity
		want  []string // Entities after Yield and Enqueue
	}{
		{"CFS goes behind every CFS peer", cfs("y", 0),
			[]*Entity{cfs("a", 5000), cfs("b", 100), cfs("c", 9000)}, []string{"b", "a", "c", "y"}},
		{"CFS ties with the rightmost and goes after it", cfs("y", 0),
			[]*Entity{cfs("a", 0), cfs("b", 0)}, []string{"a", "b", "y"}},
		{"CFS alone stays put", cfs("y", 0), nil, []string{"y"}},
		{"FIFO goes to the tail of its priority", ent("y", SCHED_FIFO, 0, 5),
			[]*Entity{ent("a", SCHED_FIFO, 0, 5), ent("h", SCHED_FIFO, 0, 6), cfs("c", 0)}, []string{"h", "a", "y", "c"}},
		{"RR goes to the tail of its priority", ent("y", SCHED_RR, 0, 5),
			[]*Entity{ent("a", SCHED_RR, 0, 5), ent("b", SCHED_FIFO, 0, 5)}, []string{"a", "b", "y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := queue(Config{}, tc.curr)
			rq.Pick()
			for _, p := range tc.peers {
				rq.Enqueue(p, false)
			}
			rq.Yield(tc.curr)
			rq.Enqueue(tc.curr, false)
			if got := names(rq.Entities()); !slices.Equal(got, tc.want) {
				t.Errorf("Entities = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDequeue: taking out any element keeps the order of the rest.
func TestDequeue(t *testing.T) {
	all := []string{"f", "r", "a", "b", "c", "d", "e"}
	for _, victim := range all {
		t.Run(victim, func(t *testing.T) {
			es := map[string]*Entity{
				"f": ent("f", SCHED_FIFO, 0, 50), "r": ent("r", SCHED_RR, 0, 3),
				"a": cfs("a", 10), "b": cfs("b", 20), "c": cfs("c", 30), "d": cfs("d", 40), "e": cfs("e", 50),
			}
			rq := NewRunQueue(Config{})
			for _, n := range []string{"d", "b", "r", "e", "a", "f", "c"} {
				rq.Enqueue(es[n], false)
			}
			rq.Dequeue(es[victim])
			want := slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == victim })
			if got := names(rq.Entities()); !slices.Equal(got, want) {
				t.Errorf("Entities = %v, want %v", got, want)
			}
			var picked []string
			for e := rq.Pick(); e != nil; e = rq.Pick() {
				picked = append(picked, name(e))
			}
			if !slices.Equal(picked, want) {
				t.Errorf("pick order = %v, want %v", picked, want)
			}
			if rq.Len() != 0 || rq.Current() != nil {
				t.Errorf("after draining: Len = %d, Current = %s, want 0, <nil>", rq.Len(), name(rq.Current()))
			}
		})
	}
}

// TestEntitiesOrder: RT by priority, FIFO within one; then CFS by vruntime,
// ties in enqueue order; SCHED_IDLE is an ordinary CFS entity.
func TestEntitiesOrder(t *testing.T) {
	rq := queue(Config{},
		cfs("n2", 200), ent("f10a", SCHED_FIFO, 0, 10), &Entity{Policy: SCHED_IDLE, Vruntime: 50, Task: "idle"},
		ent("r99", SCHED_RR, 0, 99), cfs("n1", 100), ent("f10b", SCHED_FIFO, 0, 10), cfs("n1b", 100),
		ent("f1", SCHED_FIFO, 0, 1),
	)
	want := []string{"r99", "f10a", "f10b", "f1", "idle", "n1", "n1b", "n2"}
	if got := names(rq.Entities()); !slices.Equal(got, want) {
		t.Errorf("Entities = %v, want %v", got, want)
	}
	if rq.Len() != len(want) {
		t.Errorf("Len = %d, want %d", rq.Len(), len(want))
	}
}

// TestPlaceNew: a forked child starts behind its parent and the parent's
// peers, no earlier than min_vruntime, and inherits the parent's policy,
// subject to SCHED_RESET_ON_FORK.
func TestPlaceNew(t *testing.T) {
	tests := []struct {
		name                 string
		parent               *Entity
		policy, nice, rtprio int
	}{
		{"normal", cfs("p", 0), SCHED_NORMAL, 0, 0},
		{"nice 5 inherited", ent("p", SCHED_NORMAL, 5, 0), SCHED_NORMAL, 5, 0},
		{"batch inherited", ent("p", SCHED_BATCH, -3, 0), SCHED_BATCH, -3, 0},
		{"idle inherited", ent("p", SCHED_IDLE, 0, 0), SCHED_IDLE, 0, 0},
		{"FIFO inherited", ent("p", SCHED_FIFO, 0, 7), SCHED_FIFO, 0, 7},
		{"reset: FIFO becomes normal", &Entity{Policy: SCHED_FIFO, RTPrio: 7, ResetOnFork: true, Task: "p"}, SCHED_NORMAL, 0, 0},
		{"reset: negative nice becomes 0", &Entity{Nice: -5, ResetOnFork: true, Task: "p"}, SCHED_NORMAL, 0, 0},
		{"reset: positive nice stays", &Entity{Nice: 5, ResetOnFork: true, Task: "p"}, SCHED_NORMAL, 5, 0},
		{"reset: batch stays", &Entity{Policy: SCHED_BATCH, Nice: 2, ResetOnFork: true, Task: "p"}, SCHED_BATCH, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Parent and peers level at vruntime v after a while of running.
			const v = 50_000_000
			a, b := cfs("a", v), cfs("b", v)
			tc.parent.Vruntime = v
			rq := queue(Config{}, tc.parent, a, b)
			if got := rq.Pick(); got != tc.parent {
				t.Fatalf("Pick = %s, want p", name(got))
			}
			rq.Charge(tc.parent, 1000)
			child := &Entity{Vruntime: 1, SumExec: 99, Task: "child"}
			rq.PlaceNew(child, tc.parent)
			if child.Policy != tc.policy || child.Nice != tc.nice || child.RTPrio != tc.rtprio {
				t.Errorf("child policy, nice, rtprio = %d, %d, %d, want %d, %d, %d",
					child.Policy, child.Nice, child.RTPrio, tc.policy, tc.nice, tc.rtprio)
			}
			if child.ResetOnFork {
				t.Error("child.ResetOnFork = true, want false")
			}
			if child.SumExec != 0 {
				t.Errorf("child.SumExec = %d, want 0", child.SumExec)
			}
			if child.Vruntime < rq.MinVruntime() {
				t.Errorf("child vruntime %d < min_vruntime %d", child.Vruntime, rq.MinVruntime())
			}
			rq.Enqueue(child, false)
			rq.Enqueue(tc.parent, false)
			order := names(rq.Entities())
			if IsRT(tc.policy) {
				// The RT parent keeps its place at the head; the child
				// queues behind it, ahead of CFS.
				if want := []string{"p", "child", "a", "b"}; !slices.Equal(order, want) {
					t.Errorf("Entities = %v, want %v", order, want)
				}
			} else if order[len(order)-1] != "child" {
				t.Errorf("Entities = %v, want the child last", order)
			}
		})
	}
}

// TestPlaceNewStartDebit: the child's vruntime is min_vruntime plus its
// slice in virtual time, or the parent's if later.
func TestPlaceNewStartDebit(t *testing.T) {
	a := cfs("a", 5_000_000)
	p := cfs("p", 5_000_000)
	rq := queue(Config{}, p, a)
	rq.Pick()
	child := &Entity{Task: "child"}
	rq.PlaceNew(child, p)
	// Three runnable at nice 0 (p, a, child): slice 2 ms.
	if got, want := child.Vruntime, uint64(5_000_000+2_000_000); got != want {
		t.Errorf("child vruntime = %d, want %d", got, want)
	}
	p.Vruntime = 20_000_000
	rq.PlaceNew(child, p)
	if got, want := child.Vruntime, uint64(20_000_000); got != want {
		t.Errorf("child of a parent far ahead: vruntime = %d, want %d", got, want)
	}
}

func TestSetPolicy(t *testing.T) {
	tests := []struct {
		name                 string
		policy, nice, rtprio int
		want                 abi.Errno
	}{
		{"normal", SCHED_NORMAL, 3, 0, 0},
		{"fifo", SCHED_FIFO, 0, 99, 0},
		{"rr with reset on fork", SCHED_RR | SCHED_RESET_ON_FORK, 0, 1, 0},
		{"unknown policy", 4, 0, 0, abi.EINVAL},
		{"deadline unsupported", 6, 0, 0, abi.EINVAL},
		{"negative policy", -1, 0, 0, abi.EINVAL},
		{"fifo prio 0", SCHED_FIFO, 0, 0, abi.EINVAL},
		{"rr prio 100", SCHED_RR, 0, 100, abi.EINVAL},
		{"normal with rtprio", SCHED_NORMAL, 0, 1, abi.EINVAL},
		{"nice 20", SCHED_BATCH, 20, 0, abi.EINVAL},
		{"nice -21", SCHED_IDLE, -21, 0, abi.EINVAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := NewRunQueue(Config{})
			e := cfs("e", 0)
			rq.Enqueue(e, false)
			got := rq.SetPolicy(e, tc.policy, tc.nice, tc.rtprio)
			if got != tc.want {
				t.Fatalf("SetPolicy = %v, want %v", got, tc.want)
			}
			wantPolicy := tc.policy &^ SCHED_RESET_ON_FORK
			if tc.want != 0 {
				wantPolicy = SCHED_NORMAL
			}
			if e.Policy != wantPolicy {
				t.Errorf("Policy = %d, want %d", e.Policy, wantPolicy)
			}
			if got, want := e.ResetOnFork, tc.want == 0 && tc.policy&SCHED_RESET_ON_FORK != 0; got != want {
				t.Errorf("ResetOnFork = %v, want %v", got, want)
			}
			if got := rq.Pick(); got != e {
				t.Errorf("Pick = %s, want e", name(got))
			}
		})
	}
}

// TestSetPolicyRequeues: a class or weight change takes effect whether the
// entity is queued or current.
func TestSetPolicyRequeues(t *testing.T) {
	a, b, c := cfs("a", 0), cfs("b", 10), cfs("c", 20)
	rq := queue(Config{}, a, b, c)
	if e := rq.SetPolicy(c, SCHED_FIFO, 0, 10); e != 0 {
		t.Fatalf("SetPolicy(c, FIFO) = %v", e)
	}
	if got, want := names(rq.Entities()), []string{"c", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("after c becomes FIFO: Entities = %v, want %v", got, want)
	}
	cur := rq.Pick() // c
	if rq.ShouldPreempt(cur) {
		t.Errorf("ShouldPreempt(c) = true with only CFS queued")
	}
	// Back to CFS while current: it may no longer hold off the others.
	if e := rq.SetPolicy(cur, SCHED_NORMAL, 0, 0); e != 0 {
		t.Fatalf("SetPolicy(c, NORMAL) = %v", e)
	}
	if got := rq.Slice(cur); got != DefaultLatency/3 {
		t.Errorf("Slice(c) as CFS = %d, want %d", got, DefaultLatency/3)
	}
	// Heavier: nice -5 against two nice 0 entities.
	if e := rq.SetPolicy(cur, SCHED_NORMAL, -5, 0); e != 0 {
		t.Fatalf("SetPolicy(c, nice -5) = %v", e)
	}
	if got, want := rq.Slice(cur), uint64(DefaultLatency)*3121/(3121+2048); got != want {
		t.Errorf("Slice(c) at nice -5 = %d, want %d", got, want)
	}
	// A queued entity's reweight moves the load.
	if e := rq.SetPolicy(a, SCHED_NORMAL, 5, 0); e != 0 {
		t.Fatalf("SetPolicy(a, nice 5) = %v", e)
	}
	if got, want := rq.Slice(cur), uint64(DefaultLatency)*3121/(3121+1024+335); got != want {
		t.Errorf("Slice(c) after a's renice = %d, want %d", got, want)
	}
	// An RT entity whose priority drops goes to the head of its new list.
	f, g := ent("f", SCHED_FIFO, 0, 20), ent("g", SCHED_FIFO, 0, 10)
	rq.Enqueue(f, false)
	rq.Enqueue(g, false)
	if e := rq.SetPolicy(f, SCHED_FIFO, 0, 10); e != 0 {
		t.Fatalf("SetPolicy(f, prio 10) = %v", e)
	}
	if got, want := names(rq.Entities())[:2], []string{"f", "g"}; !slices.Equal(got, want) {
		t.Errorf("after f drops to 10: Entities = %v, want prefix %v", names(rq.Entities()), want)
	}
}

// TestMinVruntime: min_vruntime follows the smallest vruntime of current and
// queued entities and never goes back.
func TestMinVruntime(t *testing.T) {
	a, b := cfs("a", 1000), cfs("b", 3000)
	rq := queue(Config{}, a, b)
	steps := []struct {
		name string
		do   func()
		want uint64
	}{
		{"after enqueue", func() {}, 1000},
		{"current counts", func() { rq.Pick() }, 1000},
		{"charging the current", func() { rq.Charge(a, 1500) }, 2500},
		{"leftmost caps it", func() { rq.Charge(a, 1e6) }, 3000},
		{"a sleeper behind does not lower it", func() { rq.Enqueue(cfs("s", 0), false) }, 3000},
	}
	for _, s := range steps {
		s.do()
		if got := rq.MinVruntime(); got != s.want {
			t.Errorf("%s: MinVruntime = %d, want %d", s.name, got, s.want)
		}
	}
}

// TestPickEmpty: an empty queue gives nil and no current.
func TestPickEmpty(t *testing.T) {
	rq := NewRunQueue(Config{})
	if got := rq.Pick(); got != nil {
		t.Errorf("Pick = %s, want <nil>", name(got))
	}
	if rq.ShouldPreempt(nil) {
		t.Error("ShouldPreempt(nil) = true on an empty queue")
	}
	rq.Enqueue(cfs("a", 0), false)
	if !rq.ShouldPreempt(nil) {
		t.Error("ShouldPreempt(nil) = false with a queued entity")
	}
}

func TestEnqueueQueuedPanics(t *testing.T) {
	e := cfs("e", 0)
	rq := queue(Config{}, e)
	defer func() {
		if recover() == nil {
			t.Error("second Enqueue did not panic")
		}
	}()
	rq.Enqueue(e, false)
}

func TestConfigDefaults(t *testing.T) {
	got := NewRunQueue(Config{WakeupGranularity: 5}).Config()
	want := Config{Latency: 6e6, MinGranularity: 750e3, WakeupGranularity: 5, RRSlice: 100e6}
	if got != want {
		t.Errorf("Config = %+v, want %+v", got, want)
	}
}

func TestPolicyName(t *testing.T) {
	for _, tc := range []struct {
		policy int
		want   string
	}{{SCHED_NORMAL, "SCHED_NORMAL"}, {SCHED_RR, "SCHED_RR"}, {SCHED_IDLE, "SCHED_IDLE"}, {6, ""}, {-1, ""}} {
		if got := PolicyName(tc.policy); got != tc.want {
			t.Errorf("PolicyName(%d) = %q, want %q", tc.policy, got, tc.want)
		}
	}
}
