package vfs

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Terminal settings as riscv64 Linux lays them out (asm-generic/termbits.h
// and asm-generic/ioctls.h). They are guest ABI values and belong in package
// abi; they live here, beside the line discipline that is their only user,
// until abi is next regenerated. The amd64 host uses the same generic values
// (a test checks), which is what lets host termios pass through.

// c_iflag bits.
const (
	IGNBRK  = 0o000001
	BRKINT  = 0o000002
	IGNPAR  = 0o000004
	PARMRK  = 0o000010
	INPCK   = 0o000020
	ISTRIP  = 0o000040
	INLCR   = 0o000100
	IGNCR   = 0o000200
	ICRNL   = 0o000400
	IUCLC   = 0o001000
	IXON    = 0o002000
	IXANY   = 0o004000
	IXOFF   = 0o010000
	IMAXBEL = 0o020000
	IUTF8   = 0o040000
)

// c_oflag bits.
const (
	OPOST  = 0o000001
	OLCUC  = 0o000002
	ONLCR  = 0o000004
	OCRNL  = 0o000010
	ONOCR  = 0o000020
	ONLRET = 0o000040
	TABDLY = 0o014000
	XTABS  = 0o014000
)

// c_cflag bits.
const (
	CBAUD   = 0o010017
	CBAUDEX = 0o010000
	BOTHER  = 0o010000
	B38400  = 0o000017
	CSIZE   = 0o000060
	CS8     = 0o000060
	CREAD   = 0o000200
	HUPCL   = 0o002000
	CLOCAL  = 0o004000
	CIBAUD  = 0o02003600000
	IBSHIFT = 16
)

// c_lflag bits.
const (
	ISIG    = 0o000001
	ICANON  = 0o000002
	XCASE   = 0o000004
	ECHO    = 0o000010
	ECHOE   = 0o000020
	ECHOK   = 0o000040
	ECHONL  = 0o000100
	NOFLSH  = 0o000200
	TOSTOP  = 0o000400
	ECHOCTL = 0o001000
	ECHOPRT = 0o002000
	ECHOKE  = 0o004000
	FLUSHO  = 0o010000
	PENDIN  = 0o040000
	IEXTEN  = 0o100000
	EXTPROC = 0o200000
)

// c_cc indices.
const (
	VINTR    = 0
	VQUIT    = 1
	VERASE   = 2
	VKILL    = 3
	VEOF     = 4
	VTIME    = 5
	VMIN     = 6
	VSWTC    = 7
	VSTART   = 8
	VSTOP    = 9
	VSUSP    = 10
	VEOL     = 11
	VREPRINT = 12
	VDISCARD = 13
	VWERASE  = 14
	VLNEXT   = 15
	VEOL2    = 16
)

// Terminal ioctls beyond those package abi has (asm-generic/ioctls.h).
const (
	TCSBRK          = 0x5409
	TCXONC          = 0x540A
	TCFLSH          = 0x540B
	TIOCEXCL        = 0x540C
	TIOCNXCL        = 0x540D
	TIOCOUTQ        = 0x5411
	TIOCSTI         = 0x5412
	TIOCGSOFTCAR    = 0x5419
	TIOCSSOFTCAR    = 0x541A
	TIOCSETD        = 0x5423
	TIOCGETD        = 0x5424
	TCSBRKP         = 0x5425
	TIOCGSID        = 0x5429
	TCGETS2         = 0x802C542A
	TCSETS2         = 0x402C542B
	TCSETSW2        = 0x402C542C
	TCSETSF2        = 0x402C542D
	TIOCGEXCL       = 0x80045440
	sizeofTermios2  = 44
	nTTY            = 0 // N_TTY, the only line discipline
	tcooff, tcoon   = 0, 1
	tcioff, tcion   = 2, 3
	tciflush        = 0
	tcoflush        = 1
	tcioflush       = 2
	posixVDisable   = 0 // _POSIX_VDISABLE: a c_cc entry of 0 is no character
	ttyBufSize      = 4096
	ttyDefaultSpeed = 38400
)

// Termios is a terminal's settings: struct termios as TCGETS reports it,
// with the speeds struct termios2 adds (TCGETS2), as Linux's ktermios.
type Termios struct {
	Iflag, Oflag, Cflag, Lflag uint32
	Line                       uint8
	Cc                         [nccs]uint8
	Ispeed, Ospeed             uint32
}

// DefaultTermios is a new terminal's settings, Linux's tty_std_termios:
// canonical mode with echo and signals, ^C ^\ DEL ^U ^D ^Z ^W ^V, CR read
// as NL, NL written as CR NL, 38400 baud.
func DefaultTermios() Termios {
	t := Termios{
		Iflag:  ICRNL | IXON,
		Oflag:  OPOST | ONLCR,
		Cflag:  B38400 | CS8 | CREAD | HUPCL,
		Lflag:  ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		Ispeed: ttyDefaultSpeed,
		Ospeed: ttyDefaultSpeed,
	}
	copy(t.Cc[:], []uint8{3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0})
	return t
}

// TermiosFromHost converts the host's settings (the same bits and
// indices; see the test) into a Termios, deriving the speeds from the baud
// bits when the host did not report them.
func TermiosFromHost(h *unix.Termios) Termios {
	t := Termios{Iflag: h.Iflag, Oflag: h.Oflag, Cflag: h.Cflag, Lflag: h.Lflag, Line: h.Line,
		Ispeed: h.Ispeed, Ospeed: h.Ospeed}
	copy(t.Cc[:], h.Cc[:nccs])
	if t.Ospeed == 0 || t.Ispeed == 0 {
		t.Ospeed, t.Ispeed = t.outputSpeed(), t.inputSpeed()
	}
	return t
}

// marshal writes t as struct termios (36 bytes), or, with v2, as struct
// termios2 (44 bytes: the same, then c_ispeed and c_ospeed).
//
//	0 c_iflag | 4 c_oflag | 8 c_cflag | 12 c_lflag | 16 c_line | 17 c_cc[19] | 36 c_ispeed | 40 c_ospeed
func (t *Termios) marshal(b []byte, v2 bool) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], t.Iflag)
	le.PutUint32(b[4:], t.Oflag)
	le.PutUint32(b[8:], t.Cflag)
	le.PutUint32(b[12:], t.Lflag)
	b[16] = t.Line
	copy(b[17:17+nccs], t.Cc[:])
	if v2 {
		le.PutUint32(b[36:], t.Ispeed)
		le.PutUint32(b[40:], t.Ospeed)
	}
}

// unmarshalTermiosFrom reads what marshal writes. A struct termios carries
// no speeds: they come from the baud bits, as Linux's set_termios does for
// TCSETS.
func unmarshalTermiosFrom(b []byte, v2 bool) Termios {
	le := binary.LittleEndian
	t := Termios{Iflag: le.Uint32(b[0:]), Oflag: le.Uint32(b[4:]), Cflag: le.Uint32(b[8:]), Lflag: le.Uint32(b[12:]), Line: b[16]}
	copy(t.Cc[:], b[17:17+nccs])
	if v2 {
		t.Ispeed, t.Ospeed = le.Uint32(b[36:]), le.Uint32(b[40:])
	}
	t.Ispeed, t.Ospeed = t.inputSpeed(), t.outputSpeed()
	return t
}

// baudTable is Linux's baud_table: B0..B38400, then the CBAUDEX rates.
var baudTable = [...]uint32{0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
	57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000,
	3000000, 3500000, 4000000}

// baud decodes a CBAUD field, as Linux's tty_termios_baud_rate; BOTHER
// means the explicit speed other.
func baud(cbaud, other uint32) uint32 {
	if cbaud == BOTHER {
		return other
	}
	if cbaud&CBAUDEX != 0 {
		cbaud = cbaud&^CBAUDEX + 15
	}
	if int(cbaud) < len(baudTable) {
		return baudTable[cbaud]
	}
	return 0
}

// outputSpeed is tty_termios_baud_rate.
func (t *Termios) outputSpeed() uint32 { return baud(t.Cflag&CBAUD, t.Ospeed) }

// inputSpeed is tty_termios_input_baud_rate: the CIBAUD field, or the
// output speed when it is B0.
func (t *Termios) inputSpeed() uint32 {
	if ib := t.Cflag >> IBSHIFT & CBAUD; ib != 0 {
		return baud(ib, t.Ispeed)
	}
	return t.outputSpeed()
}
