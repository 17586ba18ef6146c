package ipc

import (
	"fmt"
	"strings"

	"vessel/internal/abi"
)

// The headers of /proc/sysvipc/{shm,msg,sem} on 64-bit Linux.
const (
	shmHeader = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
	msgHeader = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
	semHeader = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
)

// Text is the contents of /proc/sysvipc/KIND for kind "shm", "msg" or
// "sem": a header and one line per object in index order, in Linux's
// format (sysvipc_shm_proc_show and its kin); nil for another kind. The
// pids are those the caller's namespace sees, which in vessel are the
// only ones.
func (ns *Namespace) Text(kind string) []byte {
	var b strings.Builder
	switch kind {
	case "shm":
		b.WriteString(shmHeader)
		for _, s := range ns.Segments() {
			fmt.Fprintf(&b, "%10d %10d  %4o %21d %5d %5d  %5d %5d %5d %5d %5d %10d %10d %10d %21d %21d\n",
				s.Key, s.ID, s.Mode, s.Size, s.Cpid, s.Lpid, s.Nattch, s.UID, s.GID, s.CUID, s.CGID,
				s.Atime, s.Dtime, s.Ctime, s.Mem.Resident()*abi.PageSize, 0)
		}
	case "msg":
		b.WriteString(msgHeader)
		for _, q := range ns.MsgQueues() {
			fmt.Fprintf(&b, "%10d %10d  %4o  %10d %10d %5d %5d %5d %5d %5d %5d %10d %10d %10d\n",
				q.Key, q.ID, q.Mode, q.Cbytes, q.Qnum, q.Lspid, q.Lrpid, q.UID, q.GID, q.CUID, q.CGID,
				q.Stime, q.Rtime, q.Ctime)
		}
	case "sem":
		b.WriteString(semHeader)
		for _, s := range ns.SemSets() {
			fmt.Fprintf(&b, "%10d %10d  %4o %10d %5d %5d %5d %5d %10d %10d\n",
				s.Key, s.ID, s.Mode, len(s.Sems), s.UID, s.GID, s.CUID, s.CGID, s.Otime, s.Ctime)
		}
	default:
		return nil
	}
	return []byte(b.String())
}
