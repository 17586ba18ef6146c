package mm

import "vessel/internal/abi"

// Protection bits mprotect(2) takes besides PROT_*; abi does not name them.
const (
	protSem       = 0x8        // PROT_SEM, accepted and ignored
	protGrowsDown = 0x01000000 // PROT_GROWSDOWN: extend the change down to the start of a growsdown VMA
	protGrowsUp   = 0x02000000 // PROT_GROWSUP: riscv64 has no growsup VMAs
)

// Mprotect sets the protection of the pages in [addr, addr+length) to
// prot, as mprotect(2) (Linux's do_mprotect_pkey), splitting VMAs where the
// range cuts them: EINVAL if addr is not page-aligned or prot has unknown
// bits, ENOMEM if part of the range is unmapped, EACCES for PROT_WRITE on
// a shared mapping of a file not open for writing. Unlike Linux, which
// changes the VMAs before the hole, a range with a hole changes nothing.
// With PROT_GROWSDOWN the range extends down to the start of the growsdown
// VMA that holds its end.
func (as *AddressSpace) Mprotect(addr, length uint64, prot int) abi.Errno {
	grows := prot & (protGrowsDown | protGrowsUp)
	prot &^= grows
	if grows == protGrowsDown|protGrowsUp || addr&pageMask != 0 {
		return abi.EINVAL
	}
	if length == 0 {
		return 0
	}
	length, ok := pageUp(length)
	if !ok || addr+length <= addr {
		return abi.ENOMEM
	}
	if prot&^(protMask|protSem) != 0 || grows == protGrowsUp {
		return abi.EINVAL
	}
	prot &= protMask
	end := addr + length

	as.mu.Lock()
	defer as.mu.Unlock()
	i := as.nextLocked(addr)
	if i == len(as.vmas) || as.vmas[i].start >= end {
		return abi.ENOMEM
	}
	if grows != 0 {
		if as.vmas[i].flags&vmGrowsDown == 0 {
			return abi.EINVAL
		}
		addr = as.vmas[i].start
	}
	if !as.coveredLocked(addr, end) {
		return abi.ENOMEM
	}
	if prot&abi.PROT_WRITE != 0 && as.anyLocked(addr, end, func(v *vma) bool { return v.flags&(vmShared|vmMayWrite) == vmShared }) {
		return abi.EACCES // a shared mapping of a file not open for writing
	}
	changed := false
	as.applyLocked(addr, end, func(v *vma) {
		if v.prot != prot {
			v.prot = prot
			changed = true
		}
	})
	if changed {
		as.bumpLocked()
	}
	return 0
}
