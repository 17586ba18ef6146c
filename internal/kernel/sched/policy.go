package sched

import "vessel/internal/abi"

// Scheduling policies, as in Linux's include/uapi/linux/sched.h. The abi
// package does not carry them, so they live here under their C names.
const (
	SCHED_NORMAL = 0
	SCHED_FIFO   = 1
	SCHED_RR     = 2
	SCHED_BATCH  = 3
	SCHED_IDLE   = 5

	// SCHED_RESET_ON_FORK may be ORed into the policy given to SetPolicy, as
	// sched_setscheduler(2) accepts it; see Entity.ResetOnFork.
	SCHED_RESET_ON_FORK = 0x40000000
)

// Priority ranges (include/linux/sched/prio.h; MAX_RT_PRIO-1 is the highest
// priority sched_get_priority_max(2) reports for SCHED_FIFO and SCHED_RR).
const (
	MinNice   = -20
	MaxNice   = 19
	MinRTPrio = 1
	MaxRTPrio = 99
)

// weightIdle is the load weight of a SCHED_IDLE entity, Linux's
// WEIGHT_IDLEPRIO.
const weightIdle = 3

// policyInfo is what the run queue knows about one policy.
type policyInfo struct {
	name  string
	valid bool // SetPolicy accepts it
	rt    bool // real-time class: queued by RTPrio, not by vruntime
	rr    bool // time-sliced within its priority (SCHED_RR)
	// wakePreempts: a waking entity of this policy may preempt a CFS current
	// (check_preempt_wakeup: batch and idle tasks do not; the tick does it).
	wakePreempts bool
}

// policies is indexed by policy number. 4 (SCHED_ISO) is reserved by Linux
// and never implemented; SCHED_DEADLINE (6) is not modelled.
var policies = [...]policyInfo{
	SCHED_NORMAL: {name: "SCHED_NORMAL", valid: true, wakePreempts: true},
	SCHED_FIFO:   {name: "SCHED_FIFO", valid: true, rt: true, wakePreempts: true},
	SCHED_RR:     {name: "SCHED_RR", valid: true, rt: true, rr: true, wakePreempts: true},
	SCHED_BATCH:  {name: "SCHED_BATCH", valid: true},
	SCHED_IDLE:   {name: "SCHED_IDLE", valid: true},
}

// policyOf returns the table row for policy; an out-of-range policy gets the
// zero row (invalid, CFS).
func policyOf(policy int) policyInfo {
	if policy < 0 || policy >= len(policies) {
		return policyInfo{}
	}
	return policies[policy]
}

// PolicyName returns the C name of policy ("SCHED_FIFO"), or "" for a number
// Linux does not define.
func PolicyName(policy int) string { return policyOf(policy).name }

// IsRT reports whether policy is a real-time one (SCHED_FIFO or SCHED_RR).
func IsRT(policy int) bool { return policyOf(policy).rt }

// prioToWeight is Linux's sched_prio_to_weight (kernel/sched/core.c): the load
// weight of nice -20 through 19. Each step is about 1.25x, so one nice level
// is worth about 10% of CPU against a peer.
var prioToWeight = [MaxNice - MinNice + 1]uint64{
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */ 9548, 7620, 6100, 4904, 3906,
	/*  -5 */ 3121, 2501, 1991, 1586, 1277,
	/*   0 */ 1024, 820, 655, 526, 423,
	/*   5 */ 335, 272, 215, 172, 137,
	/*  10 */ 110, 87, 70, 56, 45,
	/*  15 */ 36, 29, 23, 18, 15,
}

// Weight returns the CFS load weight of nice: 1024 at nice 0, 88761 at -20,
// 15 at 19. A nice outside -20..19 is clamped into it, as setpriority(2)
// clamps.
func Weight(nice int) uint64 {
	return prioToWeight[min(max(nice, MinNice), MaxNice)-MinNice]
}

// SetPolicy gives e a new policy, nice value and real-time priority, as
// sched_setscheduler(2), sched_setattr(2) and setpriority(2) do (Linux's
// __sched_setscheduler and set_user_nice). policy may carry
// SCHED_RESET_ON_FORK, which sets e.ResetOnFork. It works whether e is
// queued, current or neither: a queued e is requeued in its new class (an RT
// entity whose priority drops goes to the head of its new list, otherwise to
// the tail), and an entity entering CFS starts no earlier than min_vruntime.
//
// SetPolicy returns EINVAL, changing nothing, for an unknown policy, an
// rtprio outside 1..99 for SCHED_FIFO and SCHED_RR or not 0 for the others,
// or a nice outside -20..19. The permission checks (RLIMIT_RTPRIO,
// CAP_SYS_NICE) are the kernel's.
func (rq *RunQueue) SetPolicy(e *Entity, policy, nice, rtprio int) abi.Errno {
	reset := policy&SCHED_RESET_ON_FORK != 0
	policy &^= SCHED_RESET_ON_FORK
	p := policyOf(policy)
	switch {
	case !p.valid,
		p.rt && (rtprio < MinRTPrio || rtprio > MaxRTPrio),
		!p.rt && rtprio != 0,
		nice < MinNice || nice > MaxNice:
		return abi.EINVAL
	}
	wasRT, oldPrio := e.rt(), e.RTPrio
	queued := e.queued
	if queued {
		rq.remove(e)
	}
	e.Policy, e.Nice, e.RTPrio, e.ResetOnFork = policy, nice, rtprio, reset
	if wasRT && !p.rt {
		e.Vruntime = max(e.Vruntime, rq.minVruntime)
	}
	if queued {
		rq.insert(e, wasRT && p.rt && rtprio < oldPrio)
	}
	rq.updateMinVruntime()
	return 0
}
