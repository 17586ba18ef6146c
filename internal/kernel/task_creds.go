package kernel

import "vessel/internal/abi"

// Changing credentials: the set*id calls with Linux's rules (kernel/sys.c).
// Permission to change ids is an effective uid of 0 (for CAP_SETUID and
// CAP_SETGID, as a root process holds them); each change of uids then
// changes the capability sets as Linux's cap_emulate_setxuid and
// cap_task_fix_setuid do (capsLocked, task_compat.go). Credentials are the
// thread's own, as on Linux; glibc makes set*id apply to every thread of a
// process by asking each thread to make the same call.

// noID is -1, "leave this id alone".
const noID = ^uint32(0)

// ngroupsMax is NGROUPS_MAX.
const ngroupsMax = 65536

// idSet are the real, effective, saved and filesystem ids of one kind (the
// uids or the gids) of a Creds.
type idSet struct{ r, e, s, fs *uint32 }

func (t *Task) uids() idSet {
	return idSet{&t.Creds.UID, &t.Creds.EUID, &t.Creds.SUID, &t.Creds.FSUID}
}

func (t *Task) gids() idSet {
	return idSet{&t.Creds.GID, &t.Creds.EGID, &t.Creds.SGID, &t.Creds.FSGID}
}

// any reports whether id is one of the real, effective or saved ids.
func (s idSet) any(id uint32) bool { return id == *s.r || id == *s.e || id == *s.s }

// SetID is setuid(2) (gid false) or setgid(2): privileged, every id
// becomes id; otherwise the effective (and filesystem) id may become the
// real or saved one. EINVAL for -1, EPERM when not allowed.
func (t *Task) SetID(gid bool, id uint32) abi.Errno {
	if id == noID {
		return abi.EINVAL
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	defer t.capsAroundLocked(gid)()
	s := t.uids()
	if gid {
		s = t.gids()
	}
	switch {
	case t.privileged():
		*s.r, *s.e, *s.s, *s.fs = id, id, id, id
	case id == *s.r || id == *s.s:
		*s.e, *s.fs = id, id
	default:
		return abi.EPERM
	}
	return 0
}

// SetREID is setreuid(2) or setregid(2): -1 leaves an id alone; without
// privilege the real id may become the effective one and the effective
// id the real or saved one. When the real id is set, or the effective
// one set to other than the old real id, the saved id becomes the new
// effective id.
func (t *Task) SetREID(gid bool, r, e uint32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	defer t.capsAroundLocked(gid)()
	s := t.uids()
	if gid {
		s = t.gids()
	}
	oldR := *s.r
	if !t.privileged() {
		if r != noID && r != *s.r && r != *s.e {
			return abi.EPERM
		}
		if e != noID && !s.any(e) {
			return abi.EPERM
		}
	}
	if r != noID {
		*s.r = r
	}
	if e != noID {
		*s.e = e
	}
	if r != noID || e != noID && e != oldR {
		*s.s = *s.e
	}
	*s.fs = *s.e
	return 0
}

// SetRESID is setresuid(2) or setresgid(2): -1 leaves an id alone;
// without privilege each new id must be one of the current real,
// effective and saved ids.
func (t *Task) SetRESID(gid bool, r, e, sv uint32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	defer t.capsAroundLocked(gid)()
	s := t.uids()
	if gid {
		s = t.gids()
	}
	if !t.privileged() {
		for _, id := range [...]uint32{r, e, sv} {
			if id != noID && !s.any(id) {
				return abi.EPERM
			}
		}
	}
	for _, p := range [...]struct {
		dst *uint32
		id  uint32
	}{{s.r, r}, {s.e, e}, {s.s, sv}} {
		if p.id != noID {
			*p.dst = p.id
		}
	}
	*s.fs = *s.e
	return 0
}

// GetRESID is getresuid(2) or getresgid(2).
func (t *Task) GetRESID(gid bool) (r, e, s uint32) {
	if gid {
		return t.Creds.GID, t.Creds.EGID, t.Creds.SGID
	}
	return t.Creds.UID, t.Creds.EUID, t.Creds.SUID
}

// SetFSID is setfsuid(2) or setfsgid(2): it returns the old filesystem
// id whatever happens, and changes it when privileged or when id is one
// of the real, effective, saved or filesystem ids.
func (t *Task) SetFSID(gid bool, id uint32) uint32 {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	defer t.capsAroundLocked(gid)()
	s := t.uids()
	if gid {
		s = t.gids()
	}
	old := *s.fs
	if id != noID && (t.privileged() || s.any(id) || id == *s.fs) {
		*s.fs = id
	}
	return old
}

// capsAroundLocked brings t's capability sets up to date with its uids
// before a set*id call and returns what does it again after the call, so
// that the sets follow each call's change of uids (gid calls change
// none).
//
// Preconditions: Kernel.mu is held.
func (t *Task) capsAroundLocked(gid bool) func() {
	if gid {
		return func() {}
	}
	t.capsLocked()
	return func() { t.capsLocked() }
}

// SetGroups is setgroups(2): EPERM without privilege, EINVAL for more
// than NGROUPS_MAX groups.
func (t *Task) SetGroups(groups []uint32) abi.Errno {
	if len(groups) > ngroupsMax {
		return abi.EINVAL
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if !t.privileged() {
		return abi.EPERM
	}
	t.Creds.Groups = groups
	return 0
}
