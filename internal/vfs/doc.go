// Package vfs is vessel's virtual filesystem: the guest's tree of files, the
// open file descriptions that processes share, and the descriptor tables that
// name them. Linux is the specification (fs/namei.c, fs/open.c, fs/file.c,
// fs/read_write.c, fs/readdir.c); where vessel differs, the function says so.
//
// # Design
//
// An FS is the guest's tree: a host directory that becomes the guest's "/"
// (NewHostFS), with vessel's own filesystems mounted over it (mount.go):
// devfs at /dev, tmpfs at /dev/shm and /tmp, procfs at /proc, sysfs at
// /sys. Every path a guest names — absolute or relative, with "..", with
// symbolic links absolute or relative — is resolved inside the root and
// never leaves it.
//
// In the host tree, resolution is done by the host kernel with openat2(2)
// and RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS relative to an O_PATH
// descriptor of the root, whenever the path, read lexically, stays out of
// every mount. While mounts exist openat2 is also told RESOLVE_NO_SYMLINKS,
// since a link could lead into one, and a lookup that meets a link (ELOOP)
// is redone by vessel's own walk (walk.go). The walk is used as well for a
// lookup that starts in or crosses into a mount, and for every lookup on a
// host without openat2: one component at a time, with O_PATH|O_NOFOLLOW in
// the host tree and Lookup on nodes elsewhere, symbolic links read and
// expanded by vessel, ".." at the root staying at the root, 40 links at
// most (ELOOP). It keeps the canonical guest path of where it stands, and a
// path that is a mount point stands on the mounted filesystem's root. The
// tests run one table against openat2, the walk, and openat2 with a mount.
//
// vessel's own filesystems are trees of Nodes (node.go): tmpfs (tmpfs.go)
// keeps files in memory with owners, modes and times checked against the
// caller's credentials (a Caller: the kernel's task); devfs is a tmpfs of
// device nodes, opened through the FS's device table (devices.go) by device
// number; FIFOs, wherever they are, open through the kernel's pipes
// (FIFOOpen); procfs (package procfs) answers from kernel state and gives
// magic links that jump to an open File.
//
// A relative lookup first tries openat2 with RESOLVE_BENEATH from the
// starting directory's own host descriptor, which is exact even when that
// directory was renamed since it was opened. Only when the lookup climbs
// above the starting directory (EXDEV) is it redone from the root as
// "<guest path of the start>/<path>" with RESOLVE_IN_ROOT.
//
// A Context is a process's view of the tree (Linux's fs_struct): its root,
// its working directory and its umask. Root and working directory are O_PATH
// Files. Tasks created with CLONE_FS share one Context (IncRef/DecRef); others
// get a copy (Fork).
//
// A File is an open file description (Linux's struct file): the access mode,
// the status flags, the offset and a reference count, shared by every
// descriptor that dup(2), fork(2) or SCM_RIGHTS makes from it. What a File
// does is its FileImpl: host files (host_file.go), vessel's own standard
// streams (host_stream.go), tmpfs files and directories, devices, and the
// kernel's pipes, sockets and /proc files, each an implementation of the
// same interface. Regular host files are read
// and written with pread/pwrite at the File's offset, so the offset is
// vessel's and fork/dup share it exactly as Linux does.
//
// An FDTable is a process's descriptor table (Linux's files_struct), shared
// by CLONE_FILES (IncRef/DecRef) or copied (Fork).
//
// # The root is never left
//
// Vessel hands a path the guest chose to a host system call in only these
// forms, and no other:
//
//   - to openat2 with RESOLVE_IN_ROOT (anchored at the root) or
//     RESOLVE_BENEATH (anchored at a directory inside the root);
//   - as a single component, possibly with trailing slashes, relative to a
//     directory descriptor obtained by resolution, to a call that does not
//     follow a final symbolic link (mkdirat, unlinkat, renameat2, symlinkat,
//     mknodat, linkat without AT_SYMLINK_FOLLOW, readlinkat, openat with
//     O_NOFOLLOW). "." and ".." are answered by vessel, except that the walk
//     opens ".." of a directory it has checked is not a root;
//   - as "" with AT_EMPTY_PATH on a descriptor obtained by resolution, or as
//     /proc/self/fd/N of such a descriptor that is not a symbolic link
//     (vessel's own magic link, which names exactly that inode).
//
// The contents of a symbolic link are only ever interpreted by vessel's walk
// or by openat2 under RESOLVE_IN_ROOT. A guest can create a link to "/etc" or
// "../../..", and following it lands inside the root.
//
// # Lock order
//
//	FDTable.mu, Context.mu    leaves: nothing else is locked under them, and
//	                          a File they drop is released after unlocking
//	File.flagsMu              serialises F_SETFL; may call into the impl
//	File.posMu                serialises offset users (read, write, lseek,
//	                          getdents) of positioned files; held across the
//	                          impl call, so impl locks come after it
//	FS.mountMu, Tmpfs.mu,     leaves: the mount table, device table and
//	File.hookMu               hooks; one tmpfs's tree for one operation; a
//	                          File's release hooks
//
// # Invariants
//
//   - A File's reference count is the number of descriptors naming it plus
//     the references kernel code holds (FDTable.Get returns one). The impl is
//     released exactly once, when the count reaches zero.
//   - File.posMu is never held while a task parks: stream files (pipes,
//     terminals, sockets) do not take it, and host regular files and
//     directories do not block.
//   - Every host descriptor vessel holds for the guest was opened with
//     O_CLOEXEC, and non-O_PATH ones with O_NOCTTY.
//   - The guest's values (flags, errno, struct layouts) come from package abi;
//     the host's from golang.org/x/sys/unix; host.go translates between them.
//     Errno numbers are asm-generic on both amd64 and riscv64; a test checks.
package vfs
