package kernel

import (
	"slices"
	"vessel/internal/abi"
	"vessel/internal/mm"
	"vessel/internal/vfs"
)

// Address spaces are shared by the threads of a process and by a vfork
// child until it execs; the kernel counts their users and releases one
// when the last goes. Each also remembers the executable it was loaded
// from, so that the file cannot be opened for writing while it runs, nor
// run while it is open for writing: ETXTBSY, as Linux's deny_write_access.

// fileID names a file by device and inode.
type fileID struct{ dev, ino uint64 }

func statID(st *abi.Stat_t) fileID { return fileID{st.Dev, st.Ino} }

// useMMLocked records one more task using as.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) useMMLocked(as *mm.AddressSpace) { k.mmUsers[as]++ }

// dropMMLocked records that a task no longer uses as; the last user
// releases it and the executable it runs.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) dropMMLocked(as *mm.AddressSpace) {
	if k.mmUsers[as]--; k.mmUsers[as] > 0 {
		return
	}
	delete(k.mmUsers, as)
	if id, ok := k.imageOf[as]; ok {
		delete(k.imageOf, as)
		if k.images[id]--; k.images[id] <= 0 {
			delete(k.images, id)
		}
	}
	as.Release()
}

// setImageLocked records that as runs the executable id.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) setImageLocked(as *mm.AddressSpace, id fileID) {
	k.imageOf[as] = id
	k.images[id]++
}

// keptPrograms is how many programs (and interpreters) the kernel keeps in
// the page cache after their last process exits.
const keptPrograms = 8

// keptProgram is a program whose page-cache entry the kernel retains.
type keptProgram struct {
	key     FileKey
	release func()
}

// keepProgramsLocked retains the page-cache entries of the files exec just
// loaded (the program and its interpreter), dropping the least recently
// run beyond keptPrograms, so that a program run again and again (a shell
// loop, make, a fork+exec benchmark) is read and decoded once.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) keepProgramsLocked(files ...*execFile) {
	for _, f := range files {
		if f == nil {
			continue
		}
		i := slices.IndexFunc(k.programs, func(p keptProgram) bool { return p.key == f.key })
		if i >= 0 {
			p := k.programs[i]
			k.programs = append(slices.Delete(k.programs, i, i+1), p)
			continue
		}
		k.programs = append(k.programs, keptProgram{f.key, mm.Retain(f)})
		if len(k.programs) > keptPrograms {
			k.programs[0].release()
			k.programs = slices.Delete(k.programs, 0, 1)
		}
	}
}

// openForWritingLocked reports whether any guest descriptor has file id
// open for writing.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) openForWritingLocked(id fileID) bool {
	seen := map[*vfs.FDTable]bool{}
	for _, t := range k.tasksLocked() {
		if t.FDs == nil || seen[t.FDs] {
			continue
		}
		seen[t.FDs] = true
		busy := false
		for _, d := range t.FDs.Snapshot() {
			var st abi.Stat_t
			if !busy && d.File.Writable() && d.File.Stat(&st) == 0 && statID(&st) == id {
				busy = true
			}
			d.File.DecRef()
		}
		if busy {
			return true
		}
	}
	return false
}

// Running reports whether the file st describes is the executable of a
// live process: opening it for writing or truncating it is ETXTBSY.
func (k *Kernel) Running(st *abi.Stat_t) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.images[statID(st)] > 0
}
