package mm

import (
	"testing"

	"vessel/internal/abi"
)

// Stats counts resident pages by kind as Linux's RssAnon, RssFile and
// RssShmem: a page-cache page a mapping still shares is a file page, its
// private copy after a write is anonymous, and a page of shared memory is
// shared memory.
func TestStatsResidentByKind(t *testing.T) {
	s := newKeyedFiles(t, "f", 3*pageSize)
	as := NewAddressSpace()
	fa := mmap(t, as, 0, 3*pageSize, rw, abi.MAP_PRIVATE, s.open(), 0)
	page(t, as, fa, AccessRead)
	page(t, as, fa+pageSize, AccessRead)
	poke(t, as, fa+2*pageSize, 1) // a private copy: anonymous
	sh := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	poke(t, as, sh, 2)
	an := mmap(t, as, 0, 4*pageSize, rw, anon, nil, 0)
	for i := uint64(0); i < 4; i++ {
		poke(t, as, an+i*pageSize, 3)
	}
	st := as.Stats()
	if st.ResidentPages != 8 || st.FilePages != 2 || st.ShmemPages != 1 {
		t.Errorf("resident %d, file %d, shmem %d; want 8, 2, 1", st.ResidentPages, st.FilePages, st.ShmemPages)
	}
	poke(t, as, fa, 4) // the first file page becomes a private copy
	if st = as.Stats(); st.FilePages != 1 || st.ResidentPages != 8 {
		t.Errorf("after a private write: resident %d, file %d; want 8, 1", st.ResidentPages, st.FilePages)
	}
	as.Release()
}
