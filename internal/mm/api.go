package mm

// The contract of the address space, as the kernel, the loader and the
// syscall layer use it. Protections, flags and advice are Linux's values
// (abi.PROT_*, abi.MAP_*, abi.MREMAP_*, abi.MADV_*). Errors are what the
// guest would see.

// File is what a file mapping reads its pages from.
type File interface {
	// ReadAt reads like io.ReaderAt.
	ReadAt(p []byte, off int64) (int, error)
	// Size is the file's current length; pages wholly past it give SIGBUS.
	Size() int64
	// Name is shown in /proc/PID/maps.
	Name() string
}

// KeyedFile is a File whose pages the page cache may share: every mapping
// of a KeyedFile, in every address space, maps the same frame for a page
// until it writes it (a private mapping) or for good (a shared one), as
// Linux maps its page cache. A File that is not a KeyedFile, or whose key
// is nil, is read privately by each mapping (see object).
type KeyedFile interface {
	File
	// CacheKey names the file's contents: two Files with equal keys must
	// read the same bytes and have the same Size. The key must be
	// comparable. A file whose own writes keep the cache in step
	// (FileCache) names just the file, e.g. its device and inode, and
	// tells changes made behind vessel's back by VersionedFile; another
	// should make the key change whenever the contents may, e.g. a struct
	// of device, inode, size and modification time, so that mappings made
	// after a change get a new cache entry rather than the pages read
	// before it. Nil means no key.
	CacheKey() any
}

// VersionedFile is a KeyedFile whose contents may change behind vessel's
// back: a host file that another host process writes. CacheVersion names
// the contents as they are now (a struct of size and modification time,
// say); it must be comparable. A mapping made while the cache's entry for
// the key holds another version gets a new entry, read afresh, and the old
// one lives on for the mappings that use it. Writes made through vessel
// (WritebackFile.WriteAt, and the file's own writes through FileCache)
// record the version they leave, so they never look like a change.
type VersionedFile interface {
	KeyedFile
	CacheVersion() any
}

// WritebackFile is a KeyedFile that shared mappings write back to: the
// pages they write go to the file through WriteAt on msync, munmap and
// Release (process exit and exec), as Linux's writeback of dirty pages.
// WriteAt writes like io.WriterAt, and must not go through the file's own
// write path (FileCache), which waits for the write-back to finish. Sync
// makes what WriteAt wrote durable: msync(MS_SYNC) calls it, as Linux's
// vfs_fsync_range.
type WritebackFile interface {
	KeyedFile
	WriteAt(p []byte, off int64) (int, error)
	Sync() error
}

// WritableFile is a File that knows whether it was opened for writing: a
// shared mapping of it may be made writable, by mmap or later by
// mprotect, only if Writable says so (Linux's VM_MAYWRITE, which comes
// from FMODE_WRITE). A File that is not a WritableFile may always be.
type WritableFile interface {
	File
	Writable() bool
}

// MemoryFile is a File whose data lives in a Memory (a tmpfs file, a
// memfd): its mappings, shared and private, map the Memory's own frames,
// which hold the file's bytes, so there is nothing to read in or write
// back, and read(2) and write(2) of the file and every mapping of it see
// one another at once. ReadAt is never called for it.
type MemoryFile interface {
	File
	Memory() *Memory
}

// Layout of a riscv64 (Sv39-sized) user address space.
const (
	TaskSize = 1 << 38          // user addresses are below this
	StackTop = TaskSize - 1<<20 // the initial stack grows down from here
	MmapBase = StackTop - 8<<30 // mmap without a hint places top-down below this
	MaxAddr  = 1 << 47          // a hint or MAP_FIXED may go up to here (Sv48)
)

// Region describes one VMA, for /proc/PID/maps and tests.
type Region struct {
	Start, End uint64
	Prot       int    // PROT_* bits
	Shared     bool   // MAP_SHARED
	Offset     uint64 // file offset of Start
	Name       string // file name, "/dev/zero (deleted)", "[heap]", "[stack]" or ""
}

// Stats counts an address space's memory use.
type Stats struct {
	VirtualBytes  uint64 // sum of VMA lengths
	ResidentPages uint64 // pages materialised
	// Of those, the pages that map a file's page in the page cache
	// (FilePages) or a page of shared memory: a tmpfs file, a memfd,
	// System V or MAP_SHARED|MAP_ANONYMOUS memory (ShmemPages), as
	// Linux's RssFile and RssShmem; the rest are anonymous, copies
	// made on a private write among them.
	FilePages, ShmemPages uint64
	MinorFaults           uint64 // first touches and copy-on-write copies
}

// MinAddr is the lowest address a mapping may occupy, Linux's
// vm.mmap_min_addr: MAP_FIXED below it fails with EPERM and a lower hint is
// raised to it.
const MinAddr = 1 << 12

// Access kinds for Translate; the values are Linux's PROT_* bits, and they
// match cpu.AccessRead, cpu.AccessWrite and cpu.AccessExec.
const (
	AccessRead  = 1
	AccessWrite = 2
	AccessExec  = 4
)

// Fault kinds Translate returns; they match cpu.FaultNone ... cpu.FaultBusErr.
const (
	FaultNone   = 0 // the page is returned
	FaultMapErr = 1 // no VMA holds the address: SIGSEGV, SEGV_MAPERR
	FaultAccErr = 2 // the VMA forbids the access: SIGSEGV, SEGV_ACCERR
	FaultBusErr = 3 // a file page wholly past the end of its file: SIGBUS, BUS_ADRERR
)
