// Package sched is vessel's run queue: the data structure that decides which
// runnable task gets the virtual CPU next, with Linux's semantics for the
// completely fair scheduler (CFS: SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE) and
// the real-time classes (SCHED_FIFO, SCHED_RR). It neither runs nor parks
// tasks; the kernel owns the CPU token and asks this package whom to hand
// it to. Linux's kernel/sched/fair.c and rt.c, as of the 5.x series before
// EEVDF, are the specification.
//
// # Time
//
// Times are virtual nanoseconds: the kernel charges one retired guest
// instruction as one nanosecond, so a schedule depends only on what the
// guests execute.
//
// # CFS
//
// Every CFS entity has a weight from its nice value (Weight: 1024 at nice 0,
// about 1.25x per step, Linux's sched_prio_to_weight; SCHED_IDLE weighs 3)
// and a virtual runtime: Charge adds delta*1024/weight to it for delta ns of
// running, so a heavy entity's vruntime grows slowly. Pick always runs the
// queued entity with the smallest vruntime; over time that gives each
// entity CPU time in proportion to its weight. The queued entities are kept
// in an AVL tree ordered by (vruntime, enqueue sequence), threaded through
// the entities as Linux threads its rbtree through sched_entity.
//
// Slice is an entity's turn: a period of Latency (6 ms), stretched to
// nr*MinGranularity when more than Latency/MinGranularity entities are
// runnable, divided in proportion to weight, and never below
// MinGranularity (sched_slice, __sched_period).
//
// min_vruntime follows the smallest vruntime among the current and queued
// entities and never decreases. It anchors placement: an entity waking from
// sleep starts at no less than min_vruntime - Latency/2, so a long sleep
// earns it half a period of credit, not the CPU to itself (place_entity,
// GENTLE_FAIR_SLEEPERS); a forked child starts one slice after
// min_vruntime, or at its parent's vruntime if that is later (START_DEBIT).
// vruntime and min_vruntime start at 0 and only grow; 2^64 ns is five
// centuries, so the wrap-around arithmetic Linux needs is not used.
//
// A queued entity preempts a CFS current when its vruntime is behind by
// more than WakeupGranularity, converted to its own virtual time
// (wakeup_preempt_entity), or when the current is SCHED_IDLE and it is not.
//
// # Real-time classes
//
// SCHED_FIFO and SCHED_RR entities are queued in one FIFO list per
// priority, 1 to 99, with a bitmap of the non-empty lists (rt_prio_array).
// Any of them runs before any CFS entity, and a higher priority preempts a
// lower one. A FIFO entity runs until it blocks, yields or is preempted; an
// RR entity also goes to the tail of its priority after RRSlice (100 ms) of
// running. A preempted RT entity returns to the head of its list.
//
// # Methods and their Linux counterparts
//
//	Enqueue        enqueue_task, enqueue_entity, place_entity (wake-up)
//	PlaceNew       sched_fork, task_fork_fair, place_entity (START_DEBIT)
//	Dequeue        dequeue_task
//	Pick           pick_next_task, pick_next_entity, set_next_entity
//	Charge         update_curr, update_curr_rt, task_tick_rt
//	Slice          sched_slice and check_preempt_tick; rt.time_slice
//	ShouldPreempt  check_preempt_curr, check_preempt_wakeup, wakeup_preempt_entity
//	Yield          yield_task_rt; yield_task_fair as sysctl_sched_compat_yield
//	SetPolicy      __sched_setscheduler, set_user_nice, reweight_entity
//	MinVruntime    cfs_rq->min_vruntime, update_min_vruntime
//
// # Use
//
// The kernel's loop, for one CPU: e := Pick(); let e run for at most
// Slice(e); Charge(e, ran); then Enqueue(e, false) if e is still runnable,
// Dequeue(e) if it blocked or exited; pick again. When a task wakes,
// Enqueue(e, true) and, if ShouldPreempt(current), end the current turn
// early. The current entity (Current) is off the queue while it runs.
//
// # Locking
//
// Nothing here locks or starts goroutines. A RunQueue and the Entities on
// it belong to the caller's lock (the kernel's Kernel.mu); every method and
// every access to an Entity's fields must happen under it.
//
// # Invariants
//
//   - An entity is in at most one of: the CFS tree, an RT list, current.
//   - Entity.queued is set exactly when the entity is in the tree or a list.
//   - RunQueue.load is the sum of Entity.weight over the tree; nrCFS and
//     nrRT count the tree and the lists.
//   - Bit p of the RT bitmap is set exactly when priority p's list is
//     non-empty.
//   - A queued entity's Policy, RTPrio and (in the tree) Vruntime change
//     only while it is taken out, which SetPolicy, Charge and Yield do.
//   - min_vruntime never decreases.
package sched
