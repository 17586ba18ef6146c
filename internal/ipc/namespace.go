package ipc

// Namespace is one IPC namespace (Linux's struct ipc_namespace): the
// tables of shared memory segments, message queues and semaphore sets,
// the names of the POSIX message queues, and the limits that
// /proc/sys/kernel and /proc/sys/fs/mqueue show. The zero value is not
// usable; make one with NewNamespace. Guarded by the caller's lock (see
// the package comment).
type Namespace struct {
	shm, msg, sem ids

	// Limits, at Linux's defaults; the fields are the sysctls of the same
	// names.
	ShmMax uint64 // kernel.shmmax: the largest segment, in bytes
	ShmAll uint64 // kernel.shmall: all segments together, in pages
	MsgMax int    // kernel.msgmax: the largest message
	MsgMNB int    // kernel.msgmnb: a new queue's msg_qbytes
	SemMSL int    // kernel.sem[0]: semaphores per set
	SemMNS int    // kernel.sem[1]: semaphores in all sets
	SemOPM int    // kernel.sem[2]: operations per semop call

	MQQueuesMax   int   // fs.mqueue.queues_max
	MQMsgMax      int64 // fs.mqueue.msg_max
	MQMsgsizeMax  int64 // fs.mqueue.msgsize_max
	MQMsgDefault  int64 // fs.mqueue.msg_default
	MQSizeDefault int64 // fs.mqueue.msgsize_default

	shmTot   uint64            // pages of all segments
	shmLock  map[uint32]uint64 // bytes of SHM_LOCKED segments, by the uid that locked them
	msgBytes uint64            // bytes in all message queues
	msgHdrs  uint64            // messages in all queues
	usedSems int               // semaphores in all sets

	mq      map[string]*MQueue // POSIX queues by name (without the leading slash)
	mqCount int                // queues that exist, named or not
	mqBytes map[uint32]uint64  // RLIMIT_MSGQUEUE charges by real uid
}

// NewNamespace returns an empty namespace with Linux's default limits.
func NewNamespace() *Namespace {
	return &Namespace{
		shm: newIDs(SHMMNI), msg: newIDs(MSGMNI), sem: newIDs(SEMMNI),
		ShmMax: SHMMAX, ShmAll: SHMALL,
		MsgMax: MSGMAX, MsgMNB: MSGMNB,
		SemMSL: SEMMSL, SemMNS: SEMMNS, SemOPM: SEMOPM,
		MQQueuesMax: DFLT_QUEUESMAX, MQMsgMax: DFLT_MSGMAX, MQMsgsizeMax: DFLT_MSGSIZEMAX,
		MQMsgDefault: DFLT_MSG, MQSizeDefault: DFLT_MSGSIZE,
		shmLock: map[uint32]uint64{},
		mq:      map[string]*MQueue{}, mqBytes: map[uint32]uint64{},
	}
}
