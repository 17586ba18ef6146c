package sched

import (
	"math/rand/v2"
	"testing"
)

// checkInvariants verifies the run queue's structural invariants (see the
// package doc) against the set of entities the test believes are queued.
func checkInvariants(t *testing.T, rq *RunQueue, queued map[*Entity]bool) {
	t.Helper()
	var walk func(n *Entity) (h int8, count int, load uint64)
	walk = func(n *Entity) (int8, int, uint64) {
		if n == nil {
			return 0, 0, 0
		}
		if !n.queued || n.rt() {
			t.Fatalf("tree holds %v entity (queued %v)", PolicyName(n.Policy), n.queued)
		}
		lh, lc, ll := walk(n.left)
		rh, rc, rl := walk(n.right)
		if d := lh - rh; d < -1 || d > 1 {
			t.Fatalf("AVL balance %d at vruntime %d", d, n.Vruntime)
		}
		if h := 1 + max(lh, rh); n.height != h {
			t.Fatalf("height %d, want %d", n.height, h)
		}
		return n.height, lc + rc + 1, ll + rl + n.weight
	}
	_, count, load := walk(rq.root)
	if count != rq.nrCFS || load != rq.load {
		t.Fatalf("tree has %d entities of load %d, want nrCFS %d load %d", count, load, rq.nrCFS, rq.load)
	}
	nrRT := 0
	for p := range rq.rtQueue {
		l := rq.rtQueue[p]
		bit := rq.rtBitmap[p/64]&(1<<(p%64)) != 0
		if bit != (l.head != nil) {
			t.Fatalf("priority %d: bitmap bit %v, list empty %v", p, bit, l.head == nil)
		}
		var prev *Entity
		for e := l.head; e != nil; prev, e = e, e.next {
			if e.prev != prev || e.RTPrio != p || !e.queued || !e.rt() {
				t.Fatalf("priority %d: broken list at %s", p, name(e))
			}
			nrRT++
		}
		if l.tail != prev {
			t.Fatalf("priority %d: tail is not the last entity", p)
		}
	}
	if nrRT != rq.nrRT {
		t.Fatalf("RT lists hold %d entities, nrRT %d", nrRT, rq.nrRT)
	}
	es := rq.Entities()
	if len(es) != len(queued) || rq.Len() != len(queued) {
		t.Fatalf("Entities has %d, Len %d, want %d", len(es), rq.Len(), len(queued))
	}
	for i, e := range es {
		if !queued[e] {
			t.Fatalf("Entities holds %s, which is not queued", name(e))
		}
		if i > 0 && !e.rt() && !es[i-1].rt() && e.before(es[i-1]) {
			t.Fatalf("Entities out of vruntime order at %d", i)
		}
		if i > 0 && e.rt() && es[i-1].RTPrio < e.RTPrio {
			t.Fatalf("Entities out of RT priority order at %d", i)
		}
	}
	if c := rq.curr; c != nil && c.queued {
		t.Fatalf("current %s is queued", name(c))
	}
}

// TestRandomOperations drives a run queue with a seeded stream of every
// operation and checks the invariants after each.
func TestRandomOperations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rq := NewRunQueue(Config{})
	var all []*Entity
	for i := range 100 {
		e := &Entity{Task: string(rune('A' + i%26))}
		if rng.IntN(8) == 0 {
			rq.SetPolicy(e, []int{SCHED_FIFO, SCHED_RR}[rng.IntN(2)], 0, 1+rng.IntN(MaxRTPrio))
		} else {
			rq.SetPolicy(e, []int{SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE}[rng.IntN(3)], rng.IntN(40)-20, 0)
		}
		all = append(all, e)
	}
	queued := map[*Entity]bool{}
	var lastMin uint64
	for step := range 10000 {
		e := all[rng.IntN(len(all))]
		switch op := rng.IntN(8); {
		case op == 0 && !e.queued:
			rq.Enqueue(e, rng.IntN(2) == 0)
			queued[e] = true
		case op == 1:
			rq.Dequeue(e)
			delete(queued, e)
		case op == 2:
			if c := rq.Current(); c != nil {
				rq.Charge(c, uint64(rng.IntN(5e6)))
				if rng.IntN(4) == 0 {
					rq.Yield(c)
				}
				rq.Enqueue(c, false)
				queued[c] = true
			}
			if p := rq.Pick(); p != nil {
				delete(queued, p)
			}
		case op == 3:
			rq.Charge(e, uint64(rng.IntN(1e6)))
		case op == 4:
			rq.Yield(e)
		case op == 5:
			if rng.IntN(4) == 0 {
				rq.SetPolicy(e, SCHED_RR, 0, 1+rng.IntN(MaxRTPrio))
			} else {
				rq.SetPolicy(e, SCHED_NORMAL, rng.IntN(40)-20, 0)
			}
		case op == 6 && !e.queued && e != rq.Current():
			if c := rq.Current(); c != nil {
				rq.PlaceNew(e, c)
				rq.Enqueue(e, false)
				queued[e] = true
			}
		default:
			rq.ShouldPreempt(rq.Current())
			if c := rq.Current(); c != nil {
				rq.Slice(c)
			}
		}
		checkInvariants(t, rq, queued)
		if m := rq.MinVruntime(); m < lastMin {
			t.Fatalf("step %d: MinVruntime went back from %d to %d", step, lastMin, m)
		}
		lastMin = rq.MinVruntime()
	}
}
