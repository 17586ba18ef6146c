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
// growsdown, dontfork, wipeonfork) and a backing: private anonymous memory,
// a file read at first touch into private frames, or a shared object whose
// frames every mapper maps (shared anonymous memory, and shared file
// mappings until a page cache exists). Lookups binary-search the slice,
// after trying the VMA found last.
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
// shared leaf or by more than one leaf, copies that page alone (a minor
// fault of the writer); a frame the writer holds alone is written in
// place. Shared mappings never copy a frame.
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
//	  before object.mu (a shared object's page index)
//
// No code holds two AddressSpace locks at once: Fork fills the child
// before anyone else can see it. Address spaces that share page tables
// and frames have different locks and run on different goroutines, so
// nothing shared is guarded by a lock: table shares and frame reference
// counts are atomic, and a table is changed in place only by an address
// space that holds the sole path to it (save a leaf's lent bits, which are
// atomic and only set while shared). Generation is atomic and read without
// a lock. Every exported method takes AddressSpace.mu itself, Translate
// included; callers hold no mm lock. A file mapping's page fault calls
// File.ReadAt with AddressSpace.mu held.
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
//     plus one if a shared object keeps it. A leaf shared by several page
//     tables holds one reference for all of them.
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
