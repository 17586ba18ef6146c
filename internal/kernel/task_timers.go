package kernel

import (
	"maps"
	"slices"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Timers that signal: setitimer's three per-process timers, POSIX timers
// (timer_create) and timerfds. Wall-clock ones run on afterLocked (a host
// timer, or a virtual one in deterministic mode); CPU-time ones are
// checked by the process's threads as they account their run time.

// realTimer is a timer on a wall clock: the next expiry and the period.
type realTimer struct {
	deadline time.Time
	interval time.Duration
	cancel   func()
}

// stopLocked disarms it.
func (r *realTimer) stopLocked() {
	if r.cancel != nil {
		r.cancel()
	}
	*r = realTimer{}
}

// remainingLocked is the time to the next expiry, 0 when disarmed.
func (r *realTimer) remainingLocked(now time.Time) time.Duration {
	if r.cancel == nil {
		return 0
	}
	return max(r.deadline.Sub(now), time.Microsecond)
}

// armTimerLocked arms r to fire fire after value and then every interval.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) armTimerLocked(r *realTimer, value, interval time.Duration, fire func()) {
	r.stopLocked()
	if value <= 0 {
		return
	}
	r.deadline, r.interval = k.cfg.Now().Add(value), interval
	var tick func()
	tick = func() {
		fire()
		if r.interval > 0 {
			r.deadline = r.deadline.Add(r.interval)
			r.cancel = k.afterLocked(max(r.deadline.Sub(k.cfg.Now()), 0), tick)
		} else {
			r.cancel = nil
		}
	}
	r.cancel = k.afterLocked(value, tick)
}

// cpuTimer is an ITIMER_VIRTUAL or ITIMER_PROF timer: the process CPU time
// (virtual nanoseconds) at which it fires, and the period.
type cpuTimer struct {
	deadline uint64 // 0: disarmed
	interval uint64
}

// Itimer is what setitimer and getitimer say of one timer.
type Itimer struct {
	Value, Interval time.Duration
}

// SetItimer is setitimer(2) (and, with set nil, getitimer): it returns the
// old setting.
func (t *Task) SetItimer(which int, set *Itimer) (Itimer, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	var old Itimer
	switch which {
	case abi.ITIMER_REAL:
		old = Itimer{g.realItimer.remainingLocked(k.cfg.Now()), g.realItimer.interval}
		if set != nil {
			k.armTimerLocked(&g.realItimer, set.Value, set.Interval, func() {
				k.sendLocked(g, nil, SigInfo{Signo: abi.SIGALRM, Code: abi.SI_KERNEL}, false)
			})
		}
	case abi.ITIMER_VIRTUAL, abi.ITIMER_PROF:
		ct, now := &g.virtItimer, g.cpuUser.Load()
		if which == abi.ITIMER_PROF {
			ct, now = &g.profItimer, now+g.cpuSys.Load()
		}
		if ct.deadline != 0 {
			old = Itimer{time.Duration(max(ct.deadline-now, 1)), time.Duration(ct.interval)}
		}
		if set != nil {
			*ct = cpuTimer{}
			if set.Value > 0 {
				*ct = cpuTimer{deadline: now + uint64(set.Value), interval: uint64(set.Interval)}
			}
			g.cpuTimers.Store(g.cpuTimersArmedLocked())
		}
	default:
		return Itimer{}, abi.EINVAL
	}
	return old, 0
}

// checkCPUTimers fires the CPU-time itimers that t's process has run past:
// SIGVTALRM for user time, SIGPROF for user and system time.
func (t *Task) checkCPUTimers() {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	user := g.cpuUser.Load()
	for _, c := range [...]struct {
		ct  *cpuTimer
		now uint64
		sig int
	}{{&g.virtItimer, user, abi.SIGVTALRM}, {&g.profItimer, user + g.cpuSys.Load(), abi.SIGPROF}} {
		if c.ct.deadline == 0 || c.now < c.ct.deadline {
			continue
		}
		k.sendLocked(g, nil, SigInfo{Signo: c.sig, Code: abi.SI_KERNEL}, false)
		c.ct.rearm(c.now)
	}
	timers := make([]*posixTimer, 0, len(g.posixTimers)+len(g.cpuWatchers))
	for _, id := range sortedTimerIDs(g.posixTimers) {
		if pt := g.posixTimers[id]; pt.watched == nil {
			timers = append(timers, pt)
		}
	}
	timers = append(timers, g.cpuWatchers...)
	for _, pt := range timers {
		if pt.cpu.deadline == 0 || pt.clock == abi.CLOCK_THREAD_CPUTIME_ID && pt.owner != t {
			continue
		}
		if now := pt.cpuNowLocked(); now >= pt.cpu.deadline {
			k.fireLocked(pt.g, pt)
			pt.cpu.rearm(now)
		}
	}
	g.cpuTimers.Store(g.cpuTimersArmedLocked())
}

// rearm moves a fired CPU timer to its next expiry, or disarms it.
func (c *cpuTimer) rearm(now uint64) {
	if c.interval > 0 {
		c.deadline = max(c.deadline+c.interval, now+1)
	} else {
		c.deadline = 0
	}
}

// sortedTimerIDs lists timer ids in order, so that expiries come in the
// same order on every run.
func sortedTimerIDs(m map[int32]*posixTimer) []int32 {
	return slices.Sorted(maps.Keys(m))
}

// posixTimer is a timer of timer_create(2).
type posixTimer struct {
	g      *ThreadGroup // the process it belongs to
	id     int32
	clock  int32 // its clock id, for TIMER_ABSTIME
	notify int   // SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID
	signo  int
	value  uint64
	thread *Task     // SIGEV_THREAD_ID's target
	timer  realTimer // on a wall clock
	cpu    cpuTimer  // on CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID
	owner  *Task     // whose CPU time CLOCK_THREAD_CPUTIME_ID counts
	// watched is the other process whose CPU time a process CPU clock
	// counts (clock_getcpuclockid of another pid); nil for g itself.
	watched *ThreadGroup

	// Expiries while the last signal is still pending are counted, not
	// sent (Linux's it_overrun); the count goes with the signal when it is
	// taken, and timer_getoverrun reports the last one taken.
	pending     bool
	overrun     int32
	lastOverrun int32
}

// cpuNowLocked is the timer's CPU clock now, in virtual nanoseconds.
func (pt *posixTimer) cpuNowLocked() uint64 {
	if pt.clock == abi.CLOCK_THREAD_CPUTIME_ID {
		return pt.owner.UserInsns + pt.owner.SysNanos
	}
	return pt.clockGroup().cpuUser.Load() + pt.clockGroup().cpuSys.Load()
}

// clockGroup is the process whose running advances the timer's CPU clock.
func (pt *posixTimer) clockGroup() *ThreadGroup {
	switch {
	case pt.watched != nil:
		return pt.watched
	case pt.clock == abi.CLOCK_THREAD_CPUTIME_ID:
		return pt.owner.tg
	}
	return pt.g
}

// isCPUClock reports whether clock id counts CPU time.
func isCPUClock(id int32) bool {
	return id == abi.CLOCK_PROCESS_CPUTIME_ID || id == abi.CLOCK_THREAD_CPUTIME_ID
}

// fireLocked is one expiry of pt: its signal, or an overrun while the
// last one is still pending.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) fireLocked(g *ThreadGroup, pt *posixTimer) {
	if pt.notify == abi.SIGEV_NONE {
		return
	}
	if pt.pending {
		pt.overrun++
		return
	}
	pt.pending = true
	info := SigInfo{Signo: pt.signo, Code: abi.SI_TIMER, Pid: pt.id, Value: pt.value}
	switch pt.notify {
	case abi.SIGEV_SIGNAL:
		k.sendLocked(g, nil, info, false)
	case abi.SIGEV_THREAD_ID:
		if !pt.thread.exiting {
			k.sendLocked(g, pt.thread, info, false)
		}
	}
}

// timerTakenLocked is told that a POSIX timer's signal has been taken
// (delivered, or read by sigtimedwait or a signalfd): the overrun count
// goes into its siginfo.
//
// Preconditions: Kernel.mu is held.
func (t *Task) timerTakenLocked(info *SigInfo) {
	if info.Code != abi.SI_TIMER {
		return
	}
	pt := t.tg.posixTimers[info.Pid]
	if pt == nil {
		return
	}
	info.UID = uint32(pt.overrun) // si_overrun shares si_uid's place
	pt.lastOverrun, pt.overrun, pt.pending = pt.overrun, 0, false
}

// cpuTimersArmedLocked reports whether any CPU-time timer of g is armed.
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) cpuTimersArmedLocked() bool {
	if g.virtItimer.deadline != 0 || g.profItimer.deadline != 0 {
		return true
	}
	for _, pt := range g.posixTimers {
		if pt.cpu.deadline != 0 && pt.watched == nil {
			return true
		}
	}
	for _, pt := range g.cpuWatchers {
		if pt.cpu.deadline != 0 {
			return true
		}
	}
	return false
}

// TimerCreate is timer_create(2) on a wall clock or a CPU-time clock
// (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID) of the caller, or,
// with pid not 0, of process pid or of the caller's thread pid (the
// clocks of clock_getcpuclockid and pthread_getcpuclockid; EINVAL for
// another process's thread, ESRCH for no such process). notify is
// SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD_ID (tid a thread of the
// caller's process). With valueIsID (a NULL sigevent) the signal's value is
// the timer's id.
func (t *Task) TimerCreate(clock, pid int32, notify, signo int, value uint64, tid int32, valueIsID bool) (int32, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pt := &posixTimer{g: t.tg, clock: clock, notify: notify, signo: signo, value: value, owner: t}
	if pid != 0 {
		x, e := t.clockTaskLocked(clock, pid)
		if e != 0 {
			return 0, e
		}
		if clock == abi.CLOCK_THREAD_CPUTIME_ID {
			pt.owner = x
		} else if x.tg != t.tg {
			pt.watched = x.tg
		}
	}
	switch notify {
	case abi.SIGEV_NONE:
	case abi.SIGEV_SIGNAL, abi.SIGEV_THREAD_ID:
		if signo <= 0 || signo > abi.NSIG {
			return 0, abi.EINVAL
		}
		if notify == abi.SIGEV_THREAD_ID {
			x := k.tasks[tid]
			if x == nil || x.tg != t.tg {
				return 0, abi.EINVAL
			}
			pt.thread = x
		}
	default:
		return 0, abi.EINVAL
	}
	g := t.tg
	if g.posixTimers == nil {
		g.posixTimers = map[int32]*posixTimer{}
	}
	for g.posixTimers[g.nextTimerID] != nil {
		g.nextTimerID++
	}
	pt.id = g.nextTimerID
	g.nextTimerID++
	if valueIsID {
		pt.value = uint64(pt.id)
	}
	g.posixTimers[pt.id] = pt
	if pt.watched != nil {
		pt.watched.cpuWatchers = append(pt.watched.cpuWatchers, pt)
	}
	return pt.id, 0
}

// clockTaskLocked finds whose CPU clock pid names: a process (its leader)
// for a process clock, a thread of the caller's process for a thread clock.
//
// Preconditions: Kernel.mu is held.
func (t *Task) clockTaskLocked(clock, pid int32) (*Task, abi.Errno) {
	x := t.k.tasks[pid]
	switch {
	case x == nil:
		return nil, abi.ESRCH
	case clock == abi.CLOCK_THREAD_CPUTIME_ID && x.tg != t.tg:
		return nil, abi.EINVAL
	case clock == abi.CLOCK_PROCESS_CPUTIME_ID && x.tg.Leader != x:
		return nil, abi.EINVAL
	}
	return x, 0
}

// CPUClock is clock_gettime on the CPU-time clock of process pid (or, for
// CLOCK_THREAD_CPUTIME_ID, of the caller's thread pid): its user and
// system time in nanoseconds.
func (t *Task) CPUClock(clock, pid int32) (time.Duration, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x, e := t.clockTaskLocked(clock, pid)
	if e != 0 {
		return 0, e
	}
	u := x.threadUsage()
	if clock == abi.CLOCK_PROCESS_CPUTIME_ID {
		u = x.tg.usageLocked()
	}
	return time.Duration(u.UserNanos + u.SysNanos), 0
}

// unwatchLocked takes pt off the watch list of the process whose clock it
// counts.
//
// Preconditions: Kernel.mu is held.
func (pt *posixTimer) unwatchLocked() {
	if w := pt.watched; w != nil {
		w.cpuWatchers = slices.DeleteFunc(w.cpuWatchers, func(x *posixTimer) bool { return x == pt })
		w.cpuTimers.Store(w.cpuTimersArmedLocked())
	}
}

// timerLocked finds the caller's timer id (EINVAL).
//
// Preconditions: Kernel.mu is held.
func (t *Task) timerLocked(id int32) (*posixTimer, abi.Errno) {
	pt := t.tg.posixTimers[id]
	if pt == nil {
		return nil, abi.EINVAL
	}
	return pt, 0
}

// TimerSet is timer_settime(2) with a relative first expiry (the syscall
// layer converts TIMER_ABSTIME); it returns the old setting.
func (t *Task) TimerSet(id int32, set Itimer) (Itimer, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pt, err := t.timerLocked(id)
	if err != 0 {
		return Itimer{}, err
	}
	old := pt.settingLocked(k)
	g := t.tg
	if isCPUClock(pt.clock) {
		pt.cpu = cpuTimer{}
		if set.Value > 0 {
			pt.cpu = cpuTimer{deadline: pt.cpuNowLocked() + uint64(set.Value), interval: uint64(set.Interval)}
		}
		cg := pt.clockGroup()
		cg.cpuTimers.Store(cg.cpuTimersArmedLocked())
		return old, 0
	}
	k.armTimerLocked(&pt.timer, set.Value, set.Interval, func() { k.fireLocked(g, pt) })
	return old, 0
}

// settingLocked is what timer_gettime reports: the time to the next
// expiry and the period.
//
// Preconditions: Kernel.mu is held.
func (pt *posixTimer) settingLocked(k *Kernel) Itimer {
	if isCPUClock(pt.clock) {
		if pt.cpu.deadline == 0 {
			return Itimer{Interval: time.Duration(pt.cpu.interval)}
		}
		return Itimer{time.Duration(max(pt.cpu.deadline-pt.cpuNowLocked(), 1)), time.Duration(pt.cpu.interval)}
	}
	return Itimer{pt.timer.remainingLocked(k.cfg.Now()), pt.timer.interval}
}

// TimerClock is the clock timer id was made on.
func (t *Task) TimerClock(id int32) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	pt, err := t.timerLocked(id)
	if err != 0 {
		return 0, err
	}
	return pt.clock, 0
}

// TimerGet is timer_gettime(2).
func (t *Task) TimerGet(id int32) (Itimer, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pt, err := t.timerLocked(id)
	if err != 0 {
		return Itimer{}, err
	}
	return pt.settingLocked(k), 0
}

// TimerOverrun is timer_getoverrun(2): the expiries that found the
// previous signal still pending, as of the last signal taken.
func (t *Task) TimerOverrun(id int32) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	pt, err := t.timerLocked(id)
	if err != 0 {
		return 0, err
	}
	return pt.lastOverrun, 0
}

// TimerDelete is timer_delete(2).
func (t *Task) TimerDelete(id int32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	pt, err := t.timerLocked(id)
	if err != 0 {
		return err
	}
	pt.timer.stopLocked()
	pt.unwatchLocked()
	delete(t.tg.posixTimers, id)
	return 0
}

// stopTimersLocked disarms every timer of g: at exit and exec.
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) stopTimersLocked() {
	g.realItimer.stopLocked()
	for id, pt := range g.posixTimers {
		pt.timer.stopLocked()
		pt.unwatchLocked()
		delete(g.posixTimers, id)
	}
}

// timerFile is a timerfd (timerfd_create(2)): reads return the number of
// expiries since the last read, waiting for one.
type timerFile struct {
	vfs.FileDefaults
	k        *Kernel
	clock    int32 // its clock id, for TFD_TIMER_ABSTIME
	timer    realTimer
	ticks    uint64 // guarded by Kernel.mu
	readers  waitQueue
	watching []*epollFile
}

// TimerfdCreate is timerfd_create(2) on a wall clock.
func (t *Task) TimerfdCreate(clock int32, flags uint32) (int32, abi.Errno) {
	if flags&^(abi.TFD_CLOEXEC|abi.TFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	tf := &timerFile{k: t.k, clock: clock}
	f := vfs.NewStreamFile(tf, abi.O_RDWR|flags&abi.O_NONBLOCK, "anon_inode:[timerfd]")
	fd, err := t.FDs.Install(f, flags&abi.TFD_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	return fd, err
}

// timerfdOf returns the timerfd behind fd (EINVAL for another kind).
func (t *Task) timerfdOf(fd int32) (*timerFile, abi.Errno) {
	f, err := t.FDs.Get(fd)
	if err != 0 {
		return nil, err
	}
	defer f.DecRef()
	tf, ok := f.Impl().(*timerFile)
	if !ok {
		return nil, abi.EINVAL
	}
	return tf, 0
}

// TimerfdSet is timerfd_settime(2) with a relative first expiry; it
// returns the old setting. Setting the timer clears the expiry count.
func (t *Task) TimerfdSet(fd int32, set Itimer) (Itimer, abi.Errno) {
	tf, err := t.timerfdOf(fd)
	if err != 0 {
		return Itimer{}, err
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	old := Itimer{tf.timer.remainingLocked(k.cfg.Now()), tf.timer.interval}
	tf.ticks = 0
	k.armTimerLocked(&tf.timer, set.Value, set.Interval, func() {
		tf.ticks++
		k.wakeAllLocked(&tf.readers)
		k.notifyLocked(tf)
	})
	return old, 0
}

// TimerfdClock is the clock timerfd fd was made on.
func (t *Task) TimerfdClock(fd int32) (int32, abi.Errno) {
	tf, err := t.timerfdOf(fd)
	if err != 0 {
		return 0, err
	}
	return tf.clock, 0
}

// TimerfdGet is timerfd_gettime(2).
func (t *Task) TimerfdGet(fd int32) (Itimer, abi.Errno) {
	tf, err := t.timerfdOf(fd)
	if err != 0 {
		return Itimer{}, err
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return Itimer{tf.timer.remainingLocked(t.k.cfg.Now()), tf.timer.interval}, 0
}

func (tf *timerFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: 0o600, Nlink: 1, Blksize: abi.PageSize}
	return 0
}

func (tf *timerFile) readyLocked() uint32 {
	if tf.ticks > 0 {
		return abi.EPOLLIN | abi.EPOLLRDNORM
	}
	return 0
}

func (tf *timerFile) watchers() *[]*epollFile { return &tf.watching }

// Release disarms the timer.
func (tf *timerFile) Release(f *vfs.File) {
	tf.k.mu.Lock()
	tf.timer.stopLocked()
	tf.k.mu.Unlock()
}

// ReadTask returns the expiry count (8 bytes), waiting for one unless
// non-blocking (EAGAIN).
func (tf *timerFile) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	if len(dst) < 8 {
		return 0, abi.EINVAL
	}
	k := tf.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for tf.ticks == 0 {
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&tf.readers, zeroTime) {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			return 0, ERESTARTSYS
		}
	}
	for i := range 8 {
		dst[i] = byte(tf.ticks >> (8 * i))
	}
	tf.ticks = 0
	return 8, 0
}

// WriteTask: a timerfd cannot be written.
func (tf *timerFile) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	return 0, abi.EINVAL
}
