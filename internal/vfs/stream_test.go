package vfs

import (
	"encoding/binary"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

func TestHostStreamPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	in := NewHostStream(int(r.Fd()), "pipe:[1]")
	out := NewHostStream(int(w.Fd()), "pipe:[1]")
	defer in.DecRef()
	if n, e := out.Write([]byte("hello")); n != 5 || e != 0 {
		t.Fatalf("Write = %d, %v", n, e)
	}
	b := make([]byte, 16)
	if n, e := in.Read(b); n != 5 || e != 0 || string(b[:5]) != "hello" {
		t.Fatalf("Read = %d, %v, %q", n, e, b[:n])
	}
	var st abi.Stat_t
	if e := in.Stat(&st); e != 0 || st.Mode&abi.S_IFMT != abi.S_IFIFO {
		t.Errorf("Stat mode %#o, %v; want S_IFIFO", st.Mode, e)
	}
	if _, e := in.Lseek(0, abi.SEEK_CUR); e != abi.ESPIPE {
		t.Errorf("Lseek on a pipe: %v, want ESPIPE", e)
	}
	if _, e := in.Pread(b, 0); e != abi.ESPIPE {
		t.Errorf("Pread on a pipe: %v, want ESPIPE", e)
	}
	m := newMem()
	if _, e := in.Ioctl(m, abi.TCGETS, m.base); e != abi.ENOTTY {
		t.Errorf("TCGETS on a pipe: %v, want ENOTTY", e)
	}
	if _, e := in.Ioctl(m, abi.TIOCGWINSZ, m.base); e != abi.ENOTTY {
		t.Errorf("TIOCGWINSZ on a pipe: %v, want ENOTTY", e)
	}
	out.Write([]byte("abc"))
	if _, e := in.Ioctl(m, abi.FIONREAD, m.base); e != 0 || binary.LittleEndian.Uint32(m.b) != 3 {
		t.Errorf("FIONREAD = %d, %v; want 3", binary.LittleEndian.Uint32(m.b), e)
	}
	if in.Flags()&abi.O_ACCMODE != abi.O_RDONLY || out.Flags()&abi.O_ACCMODE != abi.O_WRONLY {
		t.Errorf("access modes %#o %#o", in.Flags(), out.Flags())
	}
	if _, e := in.Write(b); e != abi.EBADF {
		t.Errorf("Write to the read end: %v, want EBADF", e)
	}
	if in.Path() != "pipe:[1]" {
		t.Errorf("Path = %q", in.Path())
	}
	// Releasing a host stream leaves vessel's descriptor open.
	out.DecRef()
	if _, err := unix.FcntlInt(w.Fd(), unix.F_GETFD, 0); err != nil {
		t.Errorf("host descriptor closed by Release: %v", err)
	}
}

func TestHostStreamRegular(t *testing.T) {
	p := t.TempDir() + "/out"
	h, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	f := NewHostStream(int(h.Fd()), p)
	defer f.DecRef()
	f.Write([]byte("0123456789"))
	if pos, e := f.Lseek(0, abi.SEEK_CUR); pos != 10 || e != 0 {
		t.Errorf("Lseek(CUR) = %d, %v; want the host's offset 10", pos, e)
	}
	var st abi.Stat_t
	if f.Stat(&st); st.Mode&abi.S_IFMT != abi.S_IFREG || st.Size != 10 {
		t.Errorf("Stat: mode %#o size %d", st.Mode, st.Size)
	}
	m := newMem()
	if _, e := f.Ioctl(m, abi.TCGETS, m.base); e != abi.ENOTTY {
		t.Errorf("TCGETS on a file: %v, want ENOTTY", e)
	}
}

// openPty returns the two ends of a new pseudo-terminal.
func openPty(t *testing.T) (master, slave int) {
	t.Helper()
	master, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { unix.Close(master) })
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(master, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	slave, err = unix.Open("/dev/pts/"+strconv.Itoa(n), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { unix.Close(slave) })
	return master, slave
}

func TestHostStreamTerminal(t *testing.T) {
	master, slave := openPty(t)
	must(t, unix.IoctlSetWinsize(master, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}))
	f := NewHostStream(slave, "/dev/pts/9")
	defer f.DecRef()
	var st abi.Stat_t
	if f.Stat(&st); st.Mode&abi.S_IFMT != abi.S_IFCHR {
		t.Errorf("Stat mode %#o, want S_IFCHR", st.Mode)
	}
	m := newMem()
	le := binary.LittleEndian

	if _, e := f.Ioctl(m, abi.TIOCGWINSZ, m.base); e != 0 {
		t.Fatalf("TIOCGWINSZ: %v", e)
	}
	if row, col := le.Uint16(m.b[0:]), le.Uint16(m.b[2:]); row != 24 || col != 80 {
		t.Errorf("winsize %dx%d, want 24x80", row, col)
	}
	le.PutUint16(m.b[0:], 50)
	le.PutUint16(m.b[2:], 132)
	if _, e := f.Ioctl(m, abi.TIOCSWINSZ, m.base); e != 0 {
		t.Fatalf("TIOCSWINSZ: %v", e)
	}
	if ws, _ := unix.IoctlGetWinsize(master, unix.TIOCGWINSZ); ws.Row != 50 || ws.Col != 132 {
		t.Errorf("host winsize %dx%d, want 50x132", ws.Row, ws.Col)
	}

	host, _ := unix.IoctlGetTermios(slave, unix.TCGETS)
	clear(m.b)
	if _, e := f.Ioctl(m, abi.TCGETS, m.base); e != 0 {
		t.Fatalf("TCGETS: %v", e)
	}
	if le.Uint32(m.b[0:]) != host.Iflag || le.Uint32(m.b[8:]) != host.Cflag || le.Uint32(m.b[12:]) != host.Lflag {
		t.Errorf("termios flags differ from the host's")
	}
	if m.b[17+4] != host.Cc[4] { // VEOF
		t.Errorf("c_cc[VEOF] = %d, want %d", m.b[17+4], host.Cc[4])
	}
	if m.b[36] != 0 {
		t.Errorf("TCGETS wrote past the 36-byte struct")
	}
	// Clear ECHO through TCSETS and see the host's terminal change.
	le.PutUint32(m.b[12:], le.Uint32(m.b[12:])&^unix.ECHO)
	if _, e := f.Ioctl(m, abi.TCSETS, m.base); e != 0 {
		t.Fatalf("TCSETS: %v", e)
	}
	if now, _ := unix.IoctlGetTermios(slave, unix.TCGETS); now.Lflag&unix.ECHO != 0 {
		t.Errorf("ECHO still set on the host")
	}
	if _, e := f.Ioctl(m, abi.TCGETS, 0x1); e != abi.EFAULT {
		t.Errorf("TCGETS to a bad address: %v, want EFAULT", e)
	}
	if _, e := f.Ioctl(m, abi.TIOCGPGRP, m.base); e != abi.ENOTTY {
		t.Errorf("TIOCGPGRP: %v, want ENOTTY (the kernel's)", e)
	}
	// FIONBIO sets O_NONBLOCK in the File.
	le.PutUint32(m.b, 1)
	if _, e := f.Ioctl(m, abi.FIONBIO, m.base); e != 0 || f.Flags()&abi.O_NONBLOCK == 0 {
		t.Errorf("FIONBIO: %v, flags %#o", e, f.Flags())
	}
}

// TestOpenTerminalFromRoot opens a terminal through the filesystem (the
// root "/" exposes the host's /dev/pts) and checks it is a stream that
// answers terminal ioctls.
func TestOpenTerminalFromRoot(t *testing.T) {
	_, slave := openPty(t)
	p, err := hostPathOf(slave)
	if err != nil {
		t.Skip(err)
	}
	fs, err := NewHostFS("/")
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	c := fs.NewContext()
	defer c.DecRef()
	f := open(t, fs, c, nil, p, abi.O_RDWR, 0)
	if !f.Stream() {
		t.Error("a terminal is not a stream File")
	}
	m := newMem()
	if _, e := f.Ioctl(m, abi.TCGETS, m.base); e != 0 {
		t.Errorf("TCGETS: %v", e)
	}
	if _, e := f.Lseek(0, abi.SEEK_CUR); e != abi.ESPIPE {
		t.Errorf("Lseek on a terminal: %v, want ESPIPE", e)
	}
	h, _ := hostFileOf(f)
	if fl, _ := unix.FcntlInt(uintptr(h.fd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK != 0 {
		t.Error("host descriptor left non-blocking")
	}
}
