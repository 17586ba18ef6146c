package mm

import (
	"slices"

	"vessel/internal/abi"
)

// vmaFlags are a VMA's attributes besides its protection.
type vmaFlags uint8

const (
	vmShared     vmaFlags = 1 << iota // MAP_SHARED: the pages are obj's, every mapper sees every write
	vmGrowsDown                       // MAP_GROWSDOWN: a fault just below it extends it, as a stack
	vmDontFork                        // MADV_DONTFORK: a fork child does not inherit it
	vmWipeOnFork                      // MADV_WIPEONFORK: a fork child inherits it zero-filled
	vmMayWrite                        // a shared mapping that may be made writable (Linux's VM_MAYWRITE)
)

// stackGuardGap is the room kept free below a growsdown VMA, Linux's
// stack_guard_gap (256 pages).
const stackGuardGap = 256 << pageShift

// defaultStackLimit bounds how far a growsdown VMA may grow, RLIMIT_STACK's
// default. The loader maps the whole initial stack up front, so this only
// matters to other MAP_GROWSDOWN mappings.
const defaultStackLimit = 8 << 20

// maxMapCount is the most VMAs an address space may have, Linux's
// vm.max_map_count.
const maxMapCount = 65530

// vma is one virtual memory area: the pages of [start, end), mapped with one
// protection from one backing. start and end are page-aligned, start < end.
type vma struct {
	start, end uint64
	prot       int // PROT_READ, PROT_WRITE, PROT_EXEC bits
	flags      vmaFlags
	obj        *object // nil for private anonymous memory
	off        uint64  // offset in obj of start; 0 when obj is nil
}

// objOff is the offset in v's object of the page holding addr.
func (v *vma) objOff(addr uint64) uint64 { return v.off + pageDown(addr) - v.start }

// startGap is where the room v needs below it begins, Linux's vm_start_gap.
func (v *vma) startGap() uint64 {
	if v.flags&vmGrowsDown == 0 {
		return v.start
	}
	if v.start < stackGuardGap {
		return 0
	}
	return v.start - stackGuardGap
}

// writesMemory reports whether v is a shared mapping of a Memory that may
// write it, one of the Memory's writers.
func (v *vma) writesMemory() bool {
	return v.obj != nil && v.obj.mem != nil && v.flags&(vmShared|vmMayWrite) == vmShared|vmMayWrite
}

// privateAnon reports whether v is private anonymous memory.
func (v *vma) privateAnon() bool { return v.obj == nil }

// mergeable reports whether b, which follows a, can join it into one VMA.
func mergeable(a, b *vma) bool {
	return a.end == b.start && a.prot == b.prot && a.flags == b.flags && a.obj == b.obj &&
		(a.obj == nil || a.off+(a.end-a.start) == b.off)
}

// permits reports whether prot allows access. As on riscv64 Linux, write
// permission implies read, and execute does not.
func permits(prot, access int) bool {
	if prot&abi.PROT_WRITE != 0 {
		prot |= abi.PROT_READ
	}
	return access&^prot == 0
}

// nextLocked returns the index of the first VMA that ends above addr, or
// len(as.vmas) if none does.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) nextLocked(addr uint64) int {
	lo, hi := 0, len(as.vmas)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if as.vmas[m].end > addr {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// findLocked returns the index of the VMA holding addr, or -1.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) findLocked(addr uint64) int {
	if h := as.hint; h < len(as.vmas) && as.vmas[h].start <= addr && addr < as.vmas[h].end {
		return h
	}
	i := as.nextLocked(addr)
	if i < len(as.vmas) && as.vmas[i].start <= addr {
		as.hint = i
		return i
	}
	return -1
}

// splitLocked splits the VMA holding addr in two at addr, unless addr is
// its start or no VMA holds it.
//
// Preconditions: as.mu is held; addr is page-aligned.
func (as *AddressSpace) splitLocked(addr uint64) {
	i := as.findLocked(addr)
	if i < 0 || as.vmas[i].start == addr {
		return
	}
	right := as.vmas[i]
	as.vmas[i].end = addr
	if right.obj != nil {
		right.off += addr - right.start
	}
	right.start = addr
	right.attach()
	as.insertAtLocked(i+1, right)
}

// insertAtLocked puts v at index i.
//
// Preconditions: as.mu is held; v belongs at i.
func (as *AddressSpace) insertAtLocked(i int, v vma) {
	as.vmas = slices.Insert(as.vmas, i, v)
}

// insertLocked adds v, whose range must be free, and merges it with
// compatible neighbours.
//
// Preconditions: as.mu is held; v counts as a mapper of its page-cache
// entry, if it has one (newFileObject's count, or attach).
func (as *AddressSpace) insertLocked(v vma) {
	as.insertAtLocked(as.nextLocked(v.start), v)
	as.mergeLocked(v.start, v.end)
}

// removeLocked unmaps [lo, hi): it removes the VMAs there, splitting those
// that straddle an end, drops their pages and writes back the dirty pages
// of the shared file mappings among them (writeback.go). It reports
// whether anything was mapped, in which case it has bumped the generation.
//
// Preconditions: as.mu is held; lo and hi are page-aligned.
func (as *AddressSpace) removeLocked(lo, hi uint64) bool {
	i := as.nextLocked(lo)
	if i == len(as.vmas) || as.vmas[i].start >= hi {
		return false
	}
	as.splitLocked(lo)
	as.splitLocked(hi)
	i = as.nextLocked(lo)
	j := i
	for j < len(as.vmas) && as.vmas[j].start < hi {
		v := &as.vmas[j]
		as.pt.clear(v.start, v.end)
		v.writeback(v.start, v.end, false) // a failed write-back loses the pages, as Linux's
		v.detach()
		j++
	}
	as.vmas = slices.Delete(as.vmas, i, j)
	as.bumpLocked()
	return true
}

// mergeLocked joins compatible neighbouring VMAs from the one before lo to
// the one after hi.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) mergeLocked(lo, hi uint64) {
	i := as.nextLocked(lo)
	if i > 0 {
		i--
	}
	for i+1 < len(as.vmas) && as.vmas[i].start <= hi {
		if mergeable(&as.vmas[i], &as.vmas[i+1]) {
			as.vmas[i].end = as.vmas[i+1].end
			as.vmas[i+1].detach()
			as.vmas = slices.Delete(as.vmas, i+1, i+2)
			continue
		}
		i++
	}
}

// freeLocked reports whether no VMA, or the guard gap below a growsdown
// one, meets [lo, hi).
//
// Preconditions: as.mu is held.
func (as *AddressSpace) freeLocked(lo, hi uint64) bool {
	i := as.nextLocked(lo)
	return i == len(as.vmas) || as.vmas[i].startGap() >= hi
}

// overlapsLocked reports whether a VMA meets [lo, hi).
//
// Preconditions: as.mu is held.
func (as *AddressSpace) overlapsLocked(lo, hi uint64) bool {
	i := as.nextLocked(lo)
	return i < len(as.vmas) && as.vmas[i].start < hi
}

// coveredLocked reports whether VMAs cover all of [lo, hi), leaving no hole.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) coveredLocked(lo, hi uint64) bool {
	for i := as.nextLocked(lo); lo < hi; i++ {
		if i == len(as.vmas) || as.vmas[i].start > lo {
			return false
		}
		lo = as.vmas[i].end
	}
	return true
}

// applyLocked calls fn on every VMA in [lo, hi), after splitting the ones
// that straddle an end, and then merges what it can. Holes are skipped.
//
// Preconditions: as.mu is held; lo and hi are page-aligned.
func (as *AddressSpace) applyLocked(lo, hi uint64, fn func(v *vma)) {
	as.splitLocked(lo)
	as.splitLocked(hi)
	for i := as.nextLocked(lo); i < len(as.vmas) && as.vmas[i].start < hi; i++ {
		fn(&as.vmas[i])
	}
	as.mergeLocked(lo, hi)
}
