package vfs

import "encoding/binary"

// Dirent is one directory entry as getdents64(2) reports it. Off is the
// directory position after this entry (what lseek to resume there takes).
type Dirent struct {
	Ino  uint64
	Off  int64
	Type uint8 // abi.DT_*
	Name string
}

// direntHeader is the fixed part of struct linux_dirent64.
const direntHeader = 19

// Reclen is the size of d's guest record: header, name, NUL, padded to 8.
func (d *Dirent) Reclen() int { return (direntHeader + len(d.Name) + 1 + 7) &^ 7 }

// Marshal writes d as a guest struct linux_dirent64 into b, which must hold
// Reclen() bytes, and returns Reclen():
//
//	0 d_ino u64 | 8 d_off i64 | 16 d_reclen u16 | 18 d_type u8 | 19 d_name NUL, zero padding
func (d *Dirent) Marshal(b []byte) int {
	n := d.Reclen()
	b = b[:n]
	binary.LittleEndian.PutUint64(b[0:], d.Ino)
	binary.LittleEndian.PutUint64(b[8:], uint64(d.Off))
	binary.LittleEndian.PutUint16(b[16:], uint16(n))
	b[18] = d.Type
	copy(b[direntHeader:], d.Name)
	clear(b[direntHeader+len(d.Name):])
	return n
}

// FillDirents marshals entries from ents into dst until the next one does
// not fit. It returns the bytes filled and how many entries it took; a
// caller with entries left and nothing filled returns EINVAL, as Linux's
// filldir does when the buffer cannot hold one record.
func FillDirents(dst []byte, ents []Dirent) (filled, taken int) {
	for taken < len(ents) {
		d := &ents[taken]
		if filled+d.Reclen() > len(dst) {
			break
		}
		filled += d.Marshal(dst[filled:])
		taken++
	}
	return filled, taken
}
