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
	// comparable, and should change whenever the contents may, e.g. a
	// struct of device, inode, size and modification time, so that
	// mappings made after a change get a new cache entry rather than the
	// pages read before it. Nil means no key.
	CacheKey() any
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
	MinorFaults   uint64 // first touches and copy-on-write copies
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
