package kernel

import "vessel/internal/abi"

// The host and domain names of uname(2), /proc/sys/kernel/hostname and
// domainname: one set per kernel (vessel has no UTS namespaces yet),
// changed by sethostname and setdomainname.

// hostNameMax is __NEW_UTS_LEN: a name is at most 64 bytes.
const hostNameMax = 64

// utsNames are the names. Guarded by Kernel.mu.
type utsNames struct {
	host, domain string
}

// UTSNames returns the host name and the domain name ("(none)" until set).
func (k *Kernel) UTSNames() (host, domain string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.uts.host, k.uts.domain
}

// SetUTSName is sethostname(2) (domain false) and setdomainname(2): EPERM
// without uid 0 (CAP_SYS_ADMIN), EINVAL for a name over 64 bytes.
func (t *Task) SetUTSName(domain bool, name string) abi.Errno {
	if len(name) > hostNameMax {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if !t.privileged() {
		return abi.EPERM
	}
	if domain {
		k.uts.domain = name
	} else {
		k.uts.host = name
	}
	return 0
}
