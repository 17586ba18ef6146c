// Package kernel is vessel's process model: tasks (the process control
// block), thread groups, the process table, creation, exec, exit and wait,
// and the run loop that drives each task's hart.
//
// # Execution model
//
// Every task runs on its own goroutine. The virtual CPU is a token: exactly
// one task holds it and executes guest code or kernel code on the guest's
// behalf; the others are parked on their own wake channel. A task gives the
// token up explicitly — when its time slice (counted in retired
// instructions) expires, when it blocks, when it exits — and the scheduler
// hands it to the next runnable task. Kernel state that only the token
// holder touches needs no further lock.
//
// # Lock order
//
//	Kernel.mu (process table, pid allocation, run queue)
//	  before mm.AddressSpace's lock
//	  before vfs.FDTable's lock
//
// Kernel.mu is never held while guest code runs or while a task waits.
//
// # Invariants
//
//   - A task is in exactly one of: running (holds the token), runnable (on
//     the run queue), blocked (on a wait queue), stopped, zombie, dead.
//   - Task.Hart, the address space and the descriptor table are touched
//     only by the token holder.
package kernel
