package mm

import (
	"bytes"

	"vessel/internal/abi"
)

// CopyIn reads len(dst) bytes of guest memory at addr into dst, as Linux's
// copy_from_user: EFAULT if any of it is unmapped or unreadable, in which
// case dst holds what was read before the fault.
func (as *AddressSpace) CopyIn(addr uint64, dst []byte) abi.Errno {
	if len(dst) == 0 {
		return 0
	}
	if !userRange(addr, uint64(len(dst))) {
		return abi.EFAULT
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	for len(dst) > 0 {
		f, fault := as.faultLocked(addr, AccessRead, false)
		if fault != FaultNone {
			return abi.EFAULT
		}
		n := copy(dst, f.page[addr&pageMask:])
		dst = dst[n:]
		addr += uint64(n)
	}
	return 0
}

// CopyOut writes src to guest memory at addr, as Linux's copy_to_user,
// copying shared private pages first: EFAULT if any of it is unmapped or
// not writable, in which case the bytes before the fault are written.
func (as *AddressSpace) CopyOut(addr uint64, src []byte) abi.Errno {
	if len(src) == 0 {
		return 0
	}
	if !userRange(addr, uint64(len(src))) {
		return abi.EFAULT
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	for len(src) > 0 {
		f, fault := as.faultLocked(addr, AccessWrite, false)
		if fault != FaultNone {
			return abi.EFAULT
		}
		n := copy(f.page[addr&pageMask:], src)
		src = src[n:]
		addr += uint64(n)
	}
	return 0
}

// CopyInString reads the NUL-terminated string at addr, without its NUL,
// as Linux's strncpy_from_user does for getname: ENAMETOOLONG if the first
// max bytes hold no NUL, EFAULT if it reaches memory it cannot read first.
func (as *AddressSpace) CopyInString(addr uint64, max int) (string, abi.Errno) {
	as.mu.Lock()
	defer as.mu.Unlock()
	var buf []byte
	for max > 0 {
		if addr >= MaxAddr {
			return "", abi.EFAULT
		}
		f, fault := as.faultLocked(addr, AccessRead, false)
		if fault != FaultNone {
			return "", abi.EFAULT
		}
		chunk := f.page[addr&pageMask:]
		if len(chunk) > max {
			chunk = chunk[:max]
		}
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			if buf == nil {
				return string(chunk[:i]), 0
			}
			return string(append(buf, chunk[:i]...)), 0
		}
		buf = append(buf, chunk...)
		max -= len(chunk)
		addr += uint64(len(chunk))
	}
	return "", abi.ENAMETOOLONG
}
