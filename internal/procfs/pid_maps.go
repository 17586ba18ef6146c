package procfs

import (
	"bytes"
	"fmt"
	"strings"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/mm"
	"vessel/internal/vfs"
)

// /proc/PID/maps, smaps_rollup, mounts and mountinfo.

// mapsWidth is where a mapping's name starts in maps, less one: Linux pads
// the line to 25 + 6 * sizeof(void *) - 1 characters and then writes a
// space.
const mapsWidth = 25 + 6*8 - 1

// mapsLine writes one line of maps in Linux's show_map_vma format:
//
//	start-end perms offset major:minor inode [padding name]
func mapsLine(b *bytes.Buffer, start, end uint64, perms string, off uint64, dev, ino uint64, name string) {
	n := b.Len()
	major, minor := devMajor(dev), devMinor(dev)
	fmt.Fprintf(b, "%08x-%08x %s %08x %02x:%02x %d ", start, end, perms, off, major, minor, ino)
	if name != "" {
		if pad := mapsWidth - (b.Len() - n); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteByte(' ')
		b.WriteString(name)
	}
	b.WriteByte('\n')
}

// devMajor and devMinor split a guest device number (new_encode_dev).
func devMajor(dev uint64) uint64 { return dev >> 8 & 0xfff }
func devMinor(dev uint64) uint64 { return dev&0xff | dev>>12&0xfff00 }

// perms is a mapping's permission column: rwx and p (private) or s.
func perms(r *mm.Region) string {
	b := []byte("---p")
	if r.Prot&abi.PROT_READ != 0 {
		b[0] = 'r'
	}
	if r.Prot&abi.PROT_WRITE != 0 {
		b[1] = 'w'
	}
	if r.Prot&abi.PROT_EXEC != 0 {
		b[2] = 'x'
	}
	if r.Shared {
		b[3] = 's'
	}
	return string(b)
}

// regionName is what maps shows for a mapping: the mm's name ([heap],
// [stack], a file's path), and [vdso] for vessel's signal trampoline page,
// which stands where Linux maps its vDSO.
func regionName(r *mm.Region, p *kernel.ProcInfo) string {
	if r.Name == "" && p.Sigreturn != 0 && r.Start <= p.Sigreturn && p.Sigreturn < r.End {
		return "[vdso]"
	}
	return r.Name
}

// fileID finds the device and inode of a mapped file by its name, looked
// up in the task's fs context. vessel's mappings keep the file's name,
// not its identity: a file renamed or replaced since it was mapped shows
// what is at its old name now, and one that is gone shows 00:00 0.
func (d *pidDir) fileID(ctx *vfs.Context, name string) (dev, ino uint64) {
	if ctx == nil || name == "" || name[0] == '[' || strings.HasSuffix(name, " (deleted)") {
		return 0, 0
	}
	var st abi.Stat_t
	if d.p.fs.Stat(ctxCaller{ctx}, nil, name, 0, &st) != 0 {
		return 0, 0
	}
	return st.Dev, st.Ino
}

// genMaps is /proc/PID/maps: one line per mapping, in address order.
func genMaps(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	t, e := d.task()
	if e != 0 {
		return nil, e
	}
	p := t.ProcInfo()
	if p.MM == nil {
		return nil, 0
	}
	ctx := t.FSRef()
	if ctx != nil {
		defer ctx.DecRef()
	}
	var b bytes.Buffer
	for _, r := range p.MM.Regions() {
		name := regionName(&r, &p)
		var dev, ino, off uint64
		if name != "" && name[0] != '[' {
			dev, ino = d.fileID(ctx, name)
			off = r.Offset
		}
		mapsLine(&b, r.Start, r.End, perms(&r), off, dev, ino, name)
	}
	return b.Bytes(), 0
}

// genSmapsRollup is /proc/PID/smaps_rollup: the address range the
// mappings span and their totals. vessel knows the resident size of the
// address space but not how its pages are shared, dirty or anonymous, so
// the proportional (Pss*) and the clean/dirty, shared/private lines are
// left out; the resident pages have all been referenced (vessel does not
// age pages); huge pages, swap and locked memory do not exist: 0.
func genSmapsRollup(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	if p.MM == nil {
		return nil, 0
	}
	rs := p.MM.Regions()
	if len(rs) == 0 {
		return nil, 0
	}
	rss := p.MM.Stats().ResidentPages * abi.PageSize / 1024
	var b bytes.Buffer
	mapsLine(&b, rs[0].Start, rs[len(rs)-1].End, "---p", 0, 0, 0, "[rollup]")
	line := func(name string, kb uint64) { fmt.Fprintf(&b, "%-16s%8d kB\n", name+":", kb) }
	line("Rss", rss)
	line("Referenced", rss)
	for _, name := range []string{"LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
		"Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked"} {
		line(name, 0)
	}
	return b.Bytes(), 0
}

// mangle escapes a path for mounts and mountinfo: space, tab, newline
// and backslash as octal escapes (Linux's mangle).
func mangle(s string) string {
	return strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`).Replace(s)
}

// mountFlags are the options that belong to the mount rather than to the
// filesystem (Linux's show_mnt_opts and MNT_* flags).
var mountFlags = map[string]bool{"rw": true, "ro": true, "nosuid": true, "nodev": true, "noexec": true,
	"relatime": true, "noatime": true, "nodiratime": true, "strictatime": true}

// splitOpts splits a mount's options into the mount's own and the
// superblock's, each led by rw or ro, as mountinfo shows them.
func splitOpts(opts string) (mnt, super string) {
	ro := "rw"
	var m, s []string
	for o := range strings.SplitSeq(opts, ",") {
		switch {
		case o == "ro" || o == "rw":
			ro = o
		case mountFlags[o]:
			m = append(m, o)
		case o != "":
			s = append(s, o)
		}
	}
	return strings.Join(append([]string{ro}, m...), ","), strings.Join(append([]string{ro}, s...), ",")
}

// mountsFor returns the mount table as the task sees it, or ESRCH.
func (d *pidDir) mountsFor() ([]vfs.MountInfo, abi.Errno) {
	if _, e := d.task(); e != 0 {
		return nil, e
	}
	return d.p.fs.Mounts(), 0
}

// genMounts is /proc/PID/mounts (and /proc/mounts): source, mount point,
// type, options, and two zeros.
func genMounts(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	ms, e := d.mountsFor()
	if e != 0 {
		return nil, e
	}
	var b bytes.Buffer
	for _, m := range ms {
		fmt.Fprintf(&b, "%s %s %s %s 0 0\n", mangle(m.Source), mangle(m.Point), m.Type, m.Options)
	}
	return b.Bytes(), 0
}

// genMountinfo is /proc/PID/mountinfo (proc(5)): mount id, parent id,
// major:minor, root within the filesystem, mount point, mount options, no
// optional fields (vessel has no mount propagation), "-", type, source and
// superblock options.
func genMountinfo(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	ms, e := d.mountsFor()
	if e != 0 {
		return nil, e
	}
	var b bytes.Buffer
	for _, m := range ms {
		mnt, super := splitOpts(m.Options)
		fmt.Fprintf(&b, "%d %d %d:%d / %s %s - %s %s %s\n", m.ID, m.ParentID, devMajor(m.Dev), devMinor(m.Dev),
			mangle(m.Point), mnt, m.Type, mangle(m.Source), super)
	}
	return b.Bytes(), 0
}
