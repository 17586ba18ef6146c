package vfs

import (
	"vessel/internal/abi"
)

// dirImpl lists a directory node through getdents64: ".", "..", then the
// node's entries as Readdir gave them when the listing started (or was
// rewound). A position is an index into that listing, so lseek to a d_off
// resumes there.
type dirImpl struct {
	FileDefaults
	c    Caller   // immutable: who opened it
	d    DirNode  // immutable
	ents []Dirent // guarded by File.posMu: the listing, nil before the first read
}

// NewDirImpl returns the FileImpl of directory d opened by c, for a
// Node's Open.
func NewDirImpl(c Caller, d DirNode) FileImpl { return &dirImpl{c: c, d: d} }

func (di *dirImpl) Getdents64(f *File, dst []byte, pos *int64) (int, abi.Errno) {
	if di.ents == nil || *pos == 0 {
		ents, e := di.d.Readdir(di.c)
		if e != 0 {
			return 0, e
		}
		var st abi.Stat_t
		di.d.Stat(di.c, &st)
		all := make([]Dirent, 0, len(ents)+2)
		all = append(all, Dirent{Ino: st.Ino, Type: abi.DT_DIR, Name: "."}, Dirent{Ino: st.Ino, Type: abi.DT_DIR, Name: ".."})
		all = append(all, ents...)
		for i := range all {
			all[i].Off = int64(i + 1)
		}
		di.ents = all
	}
	if *pos < 0 || *pos >= int64(len(di.ents)) {
		return 0, 0
	}
	filled, taken := FillDirents(dst, di.ents[*pos:])
	if taken == 0 {
		return 0, abi.EINVAL
	}
	*pos += int64(taken)
	return filled, 0
}

func (di *dirImpl) Lseek(f *File, pos, off int64, whence int) (int64, abi.Errno) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += pos
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return off, 0
}

func (di *dirImpl) Stat(f *File, st *abi.Stat_t) abi.Errno {
	if f.mnt != nil {
		return statNode(di.c, f.mnt, di.d, st)
	}
	return di.d.Stat(di.c, st)
}

func (di *dirImpl) Read(*File, []byte, *int64) (int, abi.Errno) { return 0, abi.EISDIR }
