package vfs

import (
	"runtime"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// Mapping files. mmap(2) of a regular file maps what MapFile returns, so
// that a file's mappings and its read(2) and write(2) agree, as Linux's
// one page cache per inode makes them (mm/filemap.c, mm/shmem.c):
//
//   - A tmpfs file (a memfd too) gives its data, an mm.Memory: mappings
//     map the very frames that read(2) and write(2) copy from and to.
//   - A host regular file gives an mm.WritebackFile keyed by its host
//     identity: every mapping of the file shares one page-cache entry,
//     shared mappings write its frames in place and mm writes them back
//     to the host file (on msync, munmap, exit, fsync); the file's own
//     read and write keep in step with the frames (host_file.go).
//
// Lock order: File.posMu, then Tmpfs.mu, then mm's locks (a Memory's
// lock; a cache entry's io, then its frames' lock). mm never calls back
// into the vfs with its own locks held, but for a mapping's WriteAt,
// Size, Sync and CacheVersion, which only make host system calls.

// mapper is a FileImpl whose mappings have an mm.File of its own.
type mapper interface {
	mapFile(f *File, shared, write bool) (mm.File, abi.Errno)
}

// MapFile returns what a mapping of f, which the caller has checked may be
// mapped (open for reading, and for writing if shared and write), reads
// its pages from: shared says MAP_SHARED, write PROT_WRITE. The result
// holds a reference to f for as long as it lives. It is nil, with no
// error, for a kind of file that has no mapping of its own (the caller
// then reads pages through f); an error is what mmap returns (EPERM for a
// shared writable mapping of a memfd sealed against writing).
func (f *File) MapFile(shared, write bool) (mm.File, abi.Errno) {
	if m, ok := f.impl.(mapper); ok {
		return m.mapFile(f, shared, write)
	}
	return nil, 0
}

// holdFile keeps a reference to f for as long as owner, a mapping's
// mm.File, lives: an address space (or a cache entry writing back through
// it) may use owner until the last mapping goes, and the reference is
// dropped when the garbage collector finds owner gone, as os.File closes.
func holdFile[T any](owner *T, f *File) {
	f.IncRef()
	runtime.AddCleanup(owner, func(f *File) { f.DecRef() }, f)
}
