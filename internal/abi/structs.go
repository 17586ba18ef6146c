package abi

import "encoding/binary"

var le = binary.LittleEndian

// Timespec is struct timespec: two 64-bit fields.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// SizeofTimespec is the guest size of struct timespec.
const SizeofTimespec = 16

// Marshal writes t in guest layout into b[:16].
func (t Timespec) Marshal(b []byte) {
	le.PutUint64(b[0:], uint64(t.Sec))
	le.PutUint64(b[8:], uint64(t.Nsec))
}

// UnmarshalTimespec reads a struct timespec from b[:16].
func UnmarshalTimespec(b []byte) Timespec {
	return Timespec{Sec: int64(le.Uint64(b[0:])), Nsec: int64(le.Uint64(b[8:]))}
}

// Stat_t is struct stat of asm-generic/stat.h, as riscv64 uses it.
type Stat_t struct {
	Dev     uint64
	Ino     uint64
	Mode    uint32
	Nlink   uint32
	Uid     uint32
	Gid     uint32
	Rdev    uint64
	Size    int64
	Blksize int32
	Blocks  int64
	Atim    Timespec
	Mtim    Timespec
	Ctim    Timespec
}

// SizeofStat is the guest size of struct stat.
const SizeofStat = 128

// Marshal writes s in guest layout into b[:128]:
//
//	0 dev, 8 ino, 16 mode, 20 nlink, 24 uid, 28 gid, 32 rdev, 40 pad,
//	48 size, 56 blksize, 60 pad, 64 blocks, 72 atime, 88 mtime, 104 ctime
func (s *Stat_t) Marshal(b []byte) {
	clear(b[:SizeofStat])
	le.PutUint64(b[0:], s.Dev)
	le.PutUint64(b[8:], s.Ino)
	le.PutUint32(b[16:], s.Mode)
	le.PutUint32(b[20:], s.Nlink)
	le.PutUint32(b[24:], s.Uid)
	le.PutUint32(b[28:], s.Gid)
	le.PutUint64(b[32:], s.Rdev)
	le.PutUint64(b[48:], uint64(s.Size))
	le.PutUint32(b[56:], uint32(s.Blksize))
	le.PutUint64(b[64:], uint64(s.Blocks))
	s.Atim.Marshal(b[72:])
	s.Mtim.Marshal(b[88:])
	s.Ctim.Marshal(b[104:])
}

// Statx mask bits.
const (
	STATX_TYPE        = 0x0001
	STATX_MODE        = 0x0002
	STATX_NLINK       = 0x0004
	STATX_UID         = 0x0008
	STATX_GID         = 0x0010
	STATX_ATIME       = 0x0020
	STATX_MTIME       = 0x0040
	STATX_CTIME       = 0x0080
	STATX_INO         = 0x0100
	STATX_SIZE        = 0x0200
	STATX_BLOCKS      = 0x0400
	STATX_BASIC_STATS = 0x07ff
	STATX_BTIME       = 0x0800
)

// SizeofStatx is the guest size of struct statx.
const SizeofStatx = 256

// MarshalStatx writes the statx form of s into b[:256] with mask
// STATX_BASIC_STATS:
//
//	0 mask, 4 blksize, 8 attributes, 16 nlink, 20 uid, 24 gid, 28 mode,
//	32 ino, 40 size, 48 blocks, 56 attributes_mask, 64 atime, 80 btime,
//	96 ctime, 112 mtime, 128 rdev_major, 132 rdev_minor, 136 dev_major,
//	140 dev_minor (timestamps are {i64 sec, u32 nsec, i32 pad})
func (s *Stat_t) MarshalStatx(b []byte) {
	clear(b[:SizeofStatx])
	le.PutUint32(b[0:], STATX_BASIC_STATS)
	le.PutUint32(b[4:], uint32(s.Blksize))
	le.PutUint32(b[16:], s.Nlink)
	le.PutUint32(b[20:], s.Uid)
	le.PutUint32(b[24:], s.Gid)
	le.PutUint16(b[28:], uint16(s.Mode))
	le.PutUint64(b[32:], s.Ino)
	le.PutUint64(b[40:], uint64(s.Size))
	le.PutUint64(b[48:], uint64(s.Blocks))
	ts := func(off int, t Timespec) {
		le.PutUint64(b[off:], uint64(t.Sec))
		le.PutUint32(b[off+8:], uint32(t.Nsec))
	}
	ts(64, s.Atim)
	ts(96, s.Ctim)
	ts(112, s.Mtim)
	le.PutUint32(b[128:], Major(s.Rdev))
	le.PutUint32(b[132:], Minor(s.Rdev))
	le.PutUint32(b[136:], Major(s.Dev))
	le.PutUint32(b[140:], Minor(s.Dev))
}

// Major and Minor split a Linux dev_t; Mkdev joins them.
func Major(dev uint64) uint32 { return uint32((dev>>8)&0xfff | (dev>>32)&^0xfff) }
func Minor(dev uint64) uint32 { return uint32(dev&0xff | (dev>>12)&^0xff) }
func Mkdev(major, minor uint32) uint64 {
	return uint64(minor&0xff) | uint64(major&0xfff)<<8 | uint64(minor&^0xff)<<12 | uint64(major&^0xfff)<<32
}

// Flock is struct flock, fcntl's record lock:
//
//	0 l_type i16 | 2 l_whence i16 | 8 l_start i64 | 16 l_len i64 | 24 l_pid i32 | 28 pad
type Flock struct {
	Type, Whence int16
	Start, Len   int64
	Pid          int32
}

// SizeofFlock is the guest size of struct flock.
const SizeofFlock = 32

// Marshal writes l in guest layout into b[:32].
func (l *Flock) Marshal(b []byte) {
	clear(b[:SizeofFlock])
	binary.LittleEndian.PutUint16(b[0:], uint16(l.Type))
	binary.LittleEndian.PutUint16(b[2:], uint16(l.Whence))
	binary.LittleEndian.PutUint64(b[8:], uint64(l.Start))
	binary.LittleEndian.PutUint64(b[16:], uint64(l.Len))
	binary.LittleEndian.PutUint32(b[24:], uint32(l.Pid))
}

// UnmarshalFlock reads a guest struct flock from b[:32].
func UnmarshalFlock(b []byte) Flock {
	return Flock{
		Type:   int16(binary.LittleEndian.Uint16(b[0:])),
		Whence: int16(binary.LittleEndian.Uint16(b[2:])),
		Start:  int64(binary.LittleEndian.Uint64(b[8:])),
		Len:    int64(binary.LittleEndian.Uint64(b[16:])),
		Pid:    int32(binary.LittleEndian.Uint32(b[24:])),
	}
}

// Utsname is struct new_utsname: six 65-byte strings.
type Utsname struct {
	Sysname, Nodename, Release, Version, Machine, Domainname string
}

// SizeofUtsname is the guest size of struct new_utsname.
const SizeofUtsname = 6 * 65

// Marshal writes u in guest layout into b[:390].
func (u *Utsname) Marshal(b []byte) {
	clear(b[:SizeofUtsname])
	for i, s := range []string{u.Sysname, u.Nodename, u.Release, u.Version, u.Machine, u.Domainname} {
		copy(b[i*65:i*65+64], s)
	}
}

// Rlimit is struct rlimit.
type Rlimit struct{ Cur, Max uint64 }

// SizeofRlimit is the guest size of struct rlimit.
const SizeofRlimit = 16

// Sysinfo is struct sysinfo; Marshal lays it out for riscv64 (112 bytes).
type Sysinfo struct {
	Uptime    int64
	Loads     [3]uint64
	Totalram  uint64
	Freeram   uint64
	Sharedram uint64
	Bufferram uint64
	Totalswap uint64
	Freeswap  uint64
	Procs     uint16
	Totalhigh uint64
	Freehigh  uint64
	Unit      uint32
}

// SizeofSysinfo is the guest size of struct sysinfo.
const SizeofSysinfo = 112

// Marshal writes s into b[:112]:
//
//	0 uptime, 8 loads[3], 32 totalram, 40 freeram, 48 sharedram,
//	56 bufferram, 64 totalswap, 72 freeswap, 80 procs(u16), 88 totalhigh,
//	96 freehigh, 104 mem_unit(u32)
func (s *Sysinfo) Marshal(b []byte) {
	clear(b[:SizeofSysinfo])
	le.PutUint64(b[0:], uint64(s.Uptime))
	for i, l := range s.Loads {
		le.PutUint64(b[8+8*i:], l)
	}
	le.PutUint64(b[32:], s.Totalram)
	le.PutUint64(b[40:], s.Freeram)
	le.PutUint64(b[48:], s.Sharedram)
	le.PutUint64(b[56:], s.Bufferram)
	le.PutUint64(b[64:], s.Totalswap)
	le.PutUint64(b[72:], s.Freeswap)
	le.PutUint16(b[80:], s.Procs)
	le.PutUint64(b[88:], s.Totalhigh)
	le.PutUint64(b[96:], s.Freehigh)
	le.PutUint32(b[104:], s.Unit)
}
