package kernel

import (
	"testing"
	"time"

	"vessel/internal/abi"
	"vessel/internal/cpu"
	"vessel/internal/mm"
)

// compatTask returns a task of a bare kernel, in its table as tid, with
// credentials uid for every id.
func compatTask(t *testing.T, k *Kernel, tid int32, uid uint32) *Task {
	t.Helper()
	x := &Task{k: k, Tid: tid, Tgid: tid, Pgid: tid}
	x.Creds = Creds{UID: uid, EUID: uid, SUID: uid, FSUID: uid, GID: uid, EGID: uid, SGID: uid, FSGID: uid}
	x.tg = &ThreadGroup{Leader: x, threads: []*Task{x}}
	x.Hart = cpu.New(mm.NewAddressSpace())
	x.state.Store(int32(StateRunning))
	k.tasks[tid] = x
	return x
}

func bareKernel() *Kernel {
	now := time.Unix(1000, 0)
	return New(Config{Now: func() time.Time { return now }})
}

// TestMembarrier runs membarrier commands in order on one address space
// and checks each answer, as Linux without CONFIG_RSEQ gives them.
func TestMembarrier(t *testing.T) {
	task := compatTask(t, bareKernel(), 1, 0)
	steps := []struct {
		cmd   int32
		flags uint32
		want  uint64
		err   abi.Errno
	}{
		{membarrierCmdQuery, 0, 0x27f, 0},
		{membarrierCmdQuery, 1, 0, abi.EINVAL},
		{membarrierCmdPrivateExpeditedRseq, 0, 0, abi.EINVAL},
		{membarrierCmdPrivateExpeditedRseq, membarrierCmdFlagCPU, 0, abi.EINVAL},
		{membarrierCmdPrivateExpeditedRseq, 2, 0, abi.EINVAL},
		{membarrierCmdRegisterPrivateExpeditedRseq, 0, 0, abi.EINVAL},
		{membarrierCmdPrivateExpedited, 0, 0, abi.EPERM},
		{membarrierCmdPrivateExpeditedSyncCore, 0, 0, abi.EPERM},
		{membarrierCmdGlobalExpedited, 0, 0, 0},
		{membarrierCmdRegisterPrivateExpeditedSyncCore, 0, 0, 0},
		{membarrierCmdGetRegistrations, 0, 0x50, 0},
		{membarrierCmdPrivateExpeditedSyncCore, 0, 0, 0},
		{membarrierCmdPrivateExpedited, 0, 0, abi.EPERM},
		{membarrierCmdRegisterPrivateExpedited, 0, 0, 0},
		{membarrierCmdPrivateExpedited, 0, 0, 0},
		{membarrierCmdRegisterGlobalExpedited, 0, 0, 0},
		{membarrierCmdGetRegistrations, 0, 0x54, 0},
		{membarrierCmdGlobal | membarrierCmdGlobalExpedited, 0, 0, abi.EINVAL},
		{1 << 10, 0, 0, abi.EINVAL},
		{-1, 0, 0, abi.EINVAL},
	}
	for i, s := range steps {
		got, err := task.Membarrier(s.cmd, s.flags)
		if got != s.want || err != s.err {
			t.Errorf("step %d: membarrier(%#x, %d): got %#x, %v; want %#x, %v", i, s.cmd, s.flags, got, err, s.want, s.err)
		}
	}

	// A thread shares the registrations, a fork child has a copy, exec
	// drops them.
	k := task.k
	k.mu.Lock()
	thread, child := &Task{k: k, Hart: task.Hart}, &Task{k: k, Hart: task.Hart}
	task.cloneCompatLocked(thread, abi.CLONE_VM|abi.CLONE_THREAD|abi.CLONE_SIGHAND)
	task.cloneCompatLocked(child, 0)
	child.execCompatLocked()
	k.mu.Unlock()
	if thread.membarrier != task.membarrier {
		t.Error("a CLONE_VM task does not share the registrations")
	}
	if got, _ := child.Membarrier(membarrierCmdGetRegistrations, 0); got != 0 {
		t.Errorf("after exec: registrations %#x, want 0", got)
	}
	k.mu.Lock()
	task.cloneCompatLocked(child, 0)
	k.mu.Unlock()
	if got, _ := child.Membarrier(membarrierCmdGetRegistrations, 0); got != 0x54 || child.membarrier == task.membarrier {
		t.Errorf("fork child: registrations %#x (shared: %v), want a copy of 0x54", got, child.membarrier == task.membarrier)
	}
}

// TestCapsFollowIDs: the capability sets after changes of ids, as Linux's
// cap_emulate_setxuid and cap_task_fix_setuid leave them.
func TestCapsFollowIDs(t *testing.T) {
	some := uint64(1<<capChown | 1<<capSysNice | 1<<capSetpcap)
	cases := []struct {
		name          string
		keep          bool
		r, e, s, fs   uint32
		wantE, wantP  uint64
		startE, start uint64
	}{
		{"seteuid away", false, 0, 1000, 0, 1000, 0, some, some, some},
		{"all ids away", false, 1000, 1000, 1000, 1000, 0, 0, some, some},
		{"all ids away, keepcaps", true, 1000, 1000, 1000, 1000, 0, some, some, some},
		{"saved uid stays 0", false, 1000, 1000, 0, 1000, 0, some, some, some},
		{"fsuid away", false, 0, 0, 0, 1000, some &^ (1 << capChown), some, some, some},
		{"nothing", false, 0, 0, 0, 0, 1 << capSysNice, some, 1 << capSysNice, some},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			task := compatTask(t, bareKernel(), 1, 0)
			if err := task.Capset(0, CapSets{Effective: tc.startE, Permitted: tc.start}); err != 0 {
				t.Fatalf("capset: %v", err)
			}
			if tc.keep {
				task.KeepCaps = 1
			}
			task.Creds.UID, task.Creds.EUID, task.Creds.SUID, task.Creds.FSUID = tc.r, tc.e, tc.s, tc.fs
			got := task.Capabilities()
			if got.Effective != tc.wantE || got.Permitted != tc.wantP {
				t.Errorf("got E %#x P %#x, want E %#x P %#x", got.Effective, got.Permitted, tc.wantE, tc.wantP)
			}
		})
	}

	// Back to an effective uid of 0: the effective set is the permitted.
	task := compatTask(t, bareKernel(), 1, 0)
	task.Capset(0, CapSets{Effective: some, Permitted: some})
	task.Creds.EUID = 1000
	task.Capabilities()
	task.Creds.EUID = 0
	if got := task.Capabilities(); got.Effective != some {
		t.Errorf("seteuid(0): effective %#x, want %#x", got.Effective, some)
	}
	// An exec as root gives back every capability and clears the
	// personality flags that PER_CLEAR_ON_SETID names; as another user it
	// takes all away.
	task.Personality = addrNoRandomize | 0x6
	task.KeepCaps = 1
	task.k.mu.Lock()
	task.execCompatLocked()
	task.k.mu.Unlock()
	if got := task.Capabilities(); got.Effective != capValid || got.Permitted != capValid {
		t.Errorf("root after exec: %+v, want every capability", got)
	}
	if task.Personality != 0 || task.KeepCaps != 0 {
		t.Errorf("root after exec, capabilities gained: personality %#x, keepcaps %d; want 0, 0", task.Personality, task.KeepCaps)
	}
	task.Personality = addrNoRandomize | perLinux32
	task.k.mu.Lock()
	task.execCompatLocked()
	task.k.mu.Unlock()
	if task.Personality != addrNoRandomize|perLinux32 {
		t.Errorf("root after exec, nothing gained: personality %#x, want %#x", task.Personality, addrNoRandomize|perLinux32)
	}
	user := compatTask(t, task.k, 2, 1000)
	user.k.mu.Lock()
	user.execCompatLocked()
	user.k.mu.Unlock()
	if got := user.Capabilities(); got != (CapSets{}) {
		t.Errorf("uid 1000 after exec: %+v, want none", got)
	}
}

// TestCapset: capset's rules, each refusal EPERM.
func TestCapset(t *testing.T) {
	const chown, nice, admin, pcap = 1 << capChown, 1 << capSysNice, 1 << capSysAdmin, 1 << capSetpcap
	cases := []struct {
		name         string
		pid          int32
		start, set   CapSets
		want         abi.Errno
		wantAfterSet bool
	}{
		{"drop", 0, CapSets{chown | nice, chown | nice, 0}, CapSets{chown, chown | nice, 0}, 0, true},
		{"own tid", 1, CapSets{chown, chown, 0}, CapSets{0, chown, 0}, 0, true},
		{"another pid", 2, CapSets{chown, chown, 0}, CapSets{0, chown, 0}, abi.EPERM, false},
		{"raise permitted", 0, CapSets{chown, chown, 0}, CapSets{chown, chown | nice, 0}, abi.EPERM, false},
		{"effective past permitted", 0, CapSets{chown, chown | nice, 0}, CapSets{chown | admin, chown | nice, 0}, abi.EPERM, false},
		{"inheritable from permitted", 0, CapSets{chown, chown, 0}, CapSets{chown, chown, chown}, 0, true},
		{"new inheritable without setpcap", 0, CapSets{chown, chown, 0}, CapSets{chown, chown, admin}, abi.EPERM, false},
		{"new inheritable with setpcap", 0, CapSets{pcap, pcap, 0}, CapSets{pcap, pcap, admin}, 0, true},
		{"bits past the last", 0, CapSets{chown, chown, 0}, CapSets{chown | 1<<50, chown | 1<<50, 0}, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := bareKernel()
			task := compatTask(t, k, 1, 0)
			compatTask(t, k, 2, 0)
			if err := task.Capset(0, tc.start); err != 0 {
				t.Fatalf("capset of the start: %v", err)
			}
			if err := task.Capset(tc.pid, tc.set); err != tc.want {
				t.Fatalf("capset: got %v, want %v", err, tc.want)
			}
			got := task.Capabilities()
			if tc.wantAfterSet && got != tc.set || !tc.wantAfterSet && tc.want != 0 && got != tc.start {
				t.Errorf("sets after: %+v", got)
			}
			if got.Effective&^capValid != 0 || got.Permitted&^capValid != 0 {
				t.Errorf("bits past CAP_LAST_CAP kept: %+v", got)
			}
		})
	}
}

// TestIOPrioCheck: ioprio_check_cap's answers for root and for others.
func TestIOPrioCheck(t *testing.T) {
	k := bareKernel()
	root, user := compatTask(t, k, 1, 0), compatTask(t, k, 2, 1000)
	prio := func(class, data int32) int32 { return class<<ioprioClassShift | data }
	cases := []struct {
		prio       int32
		root, user abi.Errno
	}{
		{prio(ioprioClassNone, 0), 0, 0},
		{prio(ioprioClassNone, 1), abi.EINVAL, abi.EINVAL},
		{prio(ioprioClassNone, 8), 0, 0}, // a hint
		{prio(ioprioClassRT, 7), 0, abi.EPERM},
		{prio(ioprioClassBE, 7), 0, 0},
		{prio(ioprioClassBE, 8), 0, 0}, // level 0 with a hint
		{prio(ioprioClassIdle, 7), 0, 0},
		{prio(4, 0), abi.EINVAL, abi.EINVAL},
		{prio(7, 0), abi.EINVAL, abi.EINVAL},
		{-1, abi.EINVAL, abi.EINVAL},
		{1<<16 | prio(ioprioClassBE, 5), 0, 0},
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, tc := range cases {
		if got := root.ioprioCheckLocked(tc.prio); got != tc.root {
			t.Errorf("root, %#x: got %v, want %v", tc.prio, got, tc.root)
		}
		if got := user.ioprioCheckLocked(tc.prio); got != tc.user {
			t.Errorf("uid 1000, %#x: got %v, want %v", tc.prio, got, tc.user)
		}
	}
}
