// Package mm is the guest's memory: frames, page tables, VMAs,
// copy-on-write, mmap, mprotect, mremap, madvise and brk, page faults, and
// the copies between guest memory and the kernel. Linux is the
// specification (mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c,
// mm/memory.c); where this package differs, the doc comment of the
// function says so.
//
// # Design
//
// An AddressSpace (Linux's mm_struct) holds a sorted slice of VMAs and a
// page table. A VMA is [start, end), a protection, flags (shared,
// maywrite, growsdown, dontfork, wipeonfork) and a backing: private
// anonymous memory, or an object (object.go) — shared anonymous memory or
// a file. Lookups binary-search the slice, after trying the VMA found
// last.
//
// A file's pages come from one index of frames per file, shared by every
// mapping of the file in every address space, private or shared, as
// Linux's one page cache per inode. A private mapping maps the index's
// frame read-only and copies it on its first write, and until then sees
// every write to the file; a shared one writes it in place. There are two
// kinds of index:
//
//   - A Memory (memory.go) is a file whose data lives in frames: a tmpfs
//     file or a memfd. The filesystem reads and writes the same frames the
//     mappings map, so the file and its mappings always agree, and there
//     is nothing to write back. It lives as long as the file does.
//   - The page cache (pagecache.go) keeps the pages of KeyedFiles, whose
//     data lives elsewhere (a host file), by CacheKey. An entry lives as
//     long as a VMA uses it. Shared mappings of a WritebackFile mark the
//     pages they write dirty, and the dirty pages go back to the file on
//     msync, munmap and Release (writeback.go); the file's own read, write
//     and truncate keep in step with the frames through FileCache, so
//     read(2) sees what mappings wrote and mappings see what write(2)
//     wrote. A VersionedFile changed behind vessel's back gets a new
//     entry for its new mappings.
//
// A private mapping of a File that is neither reads each page into a
// private frame at first touch, and a shared one keeps its pages in its
// own object.
//
// The page table is a four-level radix tree of 512-entry arrays over 48-bit
// addresses. Its leaves point at frames: 4 KiB pages with a reference
// count. Nothing is materialised until touched: the first access to a page
// (Translate, CopyIn, CopyOut) makes it, counted as a minor fault. Tables
// exist only while they hold an entry, so a 64 GiB PROT_NONE reservation
// costs one VMA.
//
// Fork is copy-on-write twice over. The child shares the parent's page
// table whole: Fork takes a share of its root table and copies the VMA
// list, whatever the memory mapped. Tables carry a count of the tables
// (or address spaces) that hold them; whoever changes an entry first makes
// the path from its root down to that entry its own, copying each shared
// table on the way (pagetable.go says how). So after a fork each side
// copies only the tables over the pages it changes, an idle child costs no
// table at all, and its exit drops one share. Frames are shared the same
// way: a write to a page of a private mapping whose frame is shared, by a
// shared leaf, by more than one leaf or by the page cache, copies that
// page alone (a minor fault of the writer); a frame the writer holds alone
// is written in place. Shared mappings never copy a frame.
//
// The hart caches the pages Translate returns in its own TLB, tagged with
// Generation. Every change that can make a returned page stale bumps the
// generation (see AddressSpace.Generation); generation values are unique
// across address spaces. A copy-on-write copy bumps it only if the page
// may have been handed out while shared (a leaf's lent bits).
//
// # Lock order
//
//	AddressSpace.mu
//	  before pageCache.mu (finding a file's entry at mmap, evicting it
//	                       when its last VMA goes)
//	  before pageIndex.io (a page-cache entry's write-back, and its
//	                       version; the file's own write and truncate hold
//	                       it through FileCache)
//	  before pageIndex.mu (the frames of a shared object, of a Memory or
//	                       of a page-cache entry, and an entry's dirty set)
//
// pageCache.mu is never held with pageIndex.io or pageIndex.mu; nothing is
// locked under pageIndex.mu or pageCache.mu. The page cache is one for all
// address spaces: its map is guarded by pageCache.mu, and an entry's count
// of mappers is atomic (pagecache.go says why that is enough), as is a
// Memory's count of writers. Callers outside mm take a Memory's lock (its
// pageIndex.mu, through its methods) and a FileCache's io after their own
// locks; mm calls out of the package with its locks held only to read a
// file (File.ReadAt, with AddressSpace.mu) and to write one back
// (WritebackFile.WriteAt, Size, Sync, VersionedFile.CacheVersion, with
// pageIndex.io and, for munmap and Release, AddressSpace.mu): those must
// not call back into mm, nor take a lock held around FileCache.
//
// No code holds two AddressSpace locks at once: Fork fills the child
// before anyone else can see it. Address spaces that share page tables
// and frames have different locks and run on different goroutines, so
// nothing they share but page indexes and the page cache's map is guarded
// by a lock: table shares and frame reference counts are atomic, and a table is changed in place only by an address
// space that holds the sole path to it (save a leaf's lent bits, which are
// atomic and only set while shared). Generation is atomic and read without
// a lock. Every exported method takes AddressSpace.mu itself, Translate
// included; callers hold no mm lock. A file mapping's page fault calls
// File.ReadAt with AddressSpace.mu held and no other mm lock, so address
// spaces read the pages of one file at once; if two read the same page,
// the first to put it in the cache wins and the other's copy is dropped,
// and a page read while the file's own write ran is read again
// (writeback.go).
//
// # Invariants
//
//   - VMAs are page-aligned, non-empty, disjoint and sorted by start, and
//     lie in [MinAddr, MaxAddr).
//   - The page table has an entry only inside a VMA; every path that
//     removes or shrinks a VMA clears its entries first or with it.
//   - Every table maps at least one page, and counts the pages under it;
//     the root's count is the address space's resident pages.
//   - A table's shares are the number of its holders: the slots of the
//     tables one level up that point at it or, for a root, the address
//     spaces whose table it is. Each holder holds exactly one share.
//   - A table reachable from more than one address space (some table on
//     a path to it has more than one share) is not changed, but for its
//     lent bits being set. A path whose tables all have one share belongs
//     to its address space: only that address space's Fork can share it.
//   - A frame's reference count is the number of leaf tables that map it,
//     plus one if a page index (a shared object's, or a page-cache
//     entry's) keeps it. A leaf shared by several page tables holds one
//     reference for all of them.
//   - A frame in a page index holds the index's reference for as long as
//     it is there, so one that a page table maps has a count of at least
//     two: a private mapping copies it on a write, whatever the path
//     (a write fault after mprotect, MADV_DONTNEED, Fork or mremap), and
//     only shared mappings write a page-cache frame in place. A frame
//     leaves an index only when its page-cache entry is evicted, or when a
//     truncate of its file cuts its page off while no page table maps it,
//     which puts the reference (a frame nothing holds any more is then
//     reused, see frame.go). A frame cut off while mapped is zeroed and
//     stays.
//   - A page of a page-cache entry that a shared mapping of a
//     WritebackFile may have written since it last went back to the file
//     is in the entry's dirty set, until a write-back finds no page table
//     mapping it. Every path that removes a VMA of a shared mapping
//     writes back its entry's dirty pages in its range after clearing its
//     page table and before detaching it, so the eviction that follows
//     loses no write; only an address space dropped without Release does.
//   - A Memory's writers is the number of shared VMAs with vmMayWrite, in
//     all address spaces' lists, whose object is the Memory, or -1 once
//     DenyWriters has succeeded, when there is none and can be none.
//   - A page-cache entry's mappers is the number of VMAs, in the lists of
//     all address spaces, whose object uses it; it is in the cache while
//     that is above zero. An address space dropped without Release leaves
//     its count high, and the garbage collector then takes the entry.
//   - A private mapping's frame with a count of one, under a path that is
//     the address space's own, belongs to that one entry: only Fork of
//     the address space that holds it, under its lock, can share it again.
//   - An entry of a private mapping that Translate returned for reading
//     or executing while its frame or any table on its path was shared
//     has its lent bit set in the leaf through which that address space
//     maps it, until the address space's generation moves on or the page
//     is its own again (one reference, its own path); copying the page
//     bumps the generation. A bit may be stale, or set by another address
//     space that shared the leaf: that costs an extra bump, never a stale
//     page.
package mm
