package kernel

import (
	"math"
	"testing"
	"time"
)

// TestLoadAvg checks the decaying averages against Linux's formula: with
// one task active for 10 minutes the 1-minute average is near 1 and the
// others part of the way there; with none for as long, each decays by its
// own time constant.
func TestLoadAvg(t *testing.T) {
	now := time.Unix(1000, 0)
	k := New(Config{Now: func() time.Time { return now }})
	busy := &Task{k: k}
	busy.state.Store(int32(StateRunning))
	k.tasks[1] = busy

	now = now.Add(10 * time.Minute)
	got := k.LoadAvg()
	for i, tau := range []float64{60, 300, 900} {
		want := 1 - math.Exp(-600/tau) // 120 marks of 5 s
		if math.Abs(got[i]-want) > 1e-9 {
			t.Errorf("busy: avg[%d] = %.6f, want %.6f", i, got[i], want)
		}
	}
	busy.state.Store(int32(StateSleeping))
	before := got
	now = now.Add(2*time.Minute + 3*time.Second) // 24 marks; the 3 s are not yet one
	got = k.LoadAvg()
	for i, tau := range []float64{60, 300, 900} {
		want := before[i] * math.Exp(-120/tau)
		if math.Abs(got[i]-want) > 1e-9 {
			t.Errorf("idle: avg[%d] = %.6f, want %.6f", i, got[i], want)
		}
	}
}
