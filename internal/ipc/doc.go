// Package ipc holds the data structures of System V IPC (shared memory
// segments, message queues, semaphore sets) and of POSIX message queues,
// one Namespace of them per IPC namespace: the key and id tables, the
// permission checks, message ordering and matching, the atomic semaphore
// operations and their undo lists, and the text of /proc/sysvipc. Linux is
// the specification (ipc/util.c, ipc/shm.c, ipc/msg.c, ipc/sem.c,
// ipc/mqueue.c); where this package differs, the function says so.
//
// # Design
//
// The package decides and never waits. An operation that Linux would
// sleep in returns "blocked" with a waiter record that the caller (the
// kernel, which owns wait queues, signals and timeouts) parks its task
// on: the record says what the task waits for, and its Wake function is
// called when another operation has completed it for the sleeper, as
// Linux's pipelined sends and receives and its semaphore update_queue do.
// The sleeper then reads the outcome from the record (Done, Err, the
// message). A sleeper that gives up (a signal, a timeout) removes its
// record itself. Removing an object completes every record on it with
// EIDRM.
//
// Objects get their ids as Linux gives them: the lowest free index at or
// after the last one used, cycling over max(64, 3/2 of those in use), plus
// the table's sequence number times IPCMNI (32768), bumped each time the
// cycle wraps. A stale id whose slot was reused gives EINVAL.
//
// Shared memory pages are not here: a Segment's Memory is the kernel's,
// which maps it into address spaces and counts attachments.
//
// # Locking
//
// None. A Namespace and everything reachable from it is guarded by one
// lock that every caller holds: in vessel, the kernel's Kernel.mu. Wake
// functions are called with it held, and must not take it again.
//
// # Invariants
//
//   - An object is in its table, under its index and (unless its key is
//     IPC_PRIVATE) its key, exactly while it is not removed.
//   - A waiter record is on its object's list exactly while it is
//     neither done nor given up.
//   - A message queue's Cbytes and Qnum are the sums over its messages; a
//     POSIX queue holds at most its Maxmsg messages of at most Msgsize
//     bytes, sorted by priority, highest first, FIFO within one.
//   - Every semaphore value lies in [0, SEMVMX]; every undo adjustment in
//     [-SEMAEM-1, SEMAEM].
package ipc
