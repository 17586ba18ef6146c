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
// Fork copies the table arrays and takes a reference on every frame; it
// copies no page. A write to a page of a private mapping whose frame has
// more than one reference copies that page alone (a minor fault); a frame
// with one reference is written in place. Shared mappings never copy.
//
// The hart caches the pages Translate returns in its own TLB, tagged with
// Generation. Every change that can make a returned page stale bumps the
// generation (see AddressSpace.Generation); generation values are unique
// across address spaces.
//
// # Lock order
//
//	AddressSpace.mu
//	  before object.mu (a shared object's page index)
//
// No code holds two AddressSpace locks at once: Fork fills the child
// before anyone else can see it. Frame reference counts are atomic, since
// address spaces that share frames have different locks. Generation is
// atomic and read without a lock. Every exported method takes
// AddressSpace.mu itself, Translate included; callers hold no mm lock. A
// file mapping's page fault calls File.ReadAt with AddressSpace.mu held.
//
// # Invariants
//
//   - VMAs are page-aligned, non-empty, disjoint and sorted by start, and
//     lie in [MinAddr, MaxAddr).
//   - The page table has an entry only inside a VMA; every path that
//     removes or shrinks a VMA clears its entries first or with it.
//   - A frame's reference count is the number of page-table entries, in
//     all address spaces, that map it, plus one if a shared object keeps
//     it. Each entry holds exactly one reference.
//   - A private mapping's frame with a count of one belongs to that one
//     entry: only Fork of the address space that holds it, under its lock,
//     can raise the count.
//   - AddressSpace.rss equals the number of page-table entries.
//   - A leaf's lent bit is set only for an entry of a private mapping that
//     Translate returned for reading or executing while its frame was
//     shared; copying that page bumps the generation.
package mm
