package loader

// HeadSize is how much of a file's beginning the kernel reads to decide how
// to run it, and all ParseShebang looks at: Linux's BINPRM_BUF_SIZE.
const HeadSize = 256

// ParseShebang parses the "#!" line at the start of head, the first bytes
// of a file, as Linux's fs/binfmt_script.c does. interp is the interpreter's
// path; arg is the optional single argument: the rest of the line after the
// interpreter and the blanks that follow it, with trailing blanks removed
// (blanks are spaces and tabs; a carriage return is not one, so "#!/bin/sh\r"
// names "/bin/sh\r"). ok is false when head does not start with "#!" or
// names no interpreter, and when the line is longer than HeadSize bytes and
// the interpreter's path might have been cut; an argument that long is
// cut, as Linux cuts it.
//
// The kernel then runs interp with argv [interp, arg (if any), the script's
// path, argv[1:]...].
func ParseShebang(head []byte) (interp, arg string, ok bool) {
	if len(head) < 2 || head[0] != '#' || head[1] != '!' {
		return "", "", false
	}
	// The kernel's buffer: HeadSize bytes, zero past the end of the file.
	var buf [HeadSize]byte
	copy(buf[:], head)
	last := HeadSize - 1

	// The line ends at a newline, looked for up to the first NUL (strnchr).
	end := -1
	for i, c := range buf {
		if c == 0 {
			break
		}
		if c == '\n' {
			end = i
			break
		}
	}
	if end < 0 {
		// No newline: the interpreter's path is whole only if a blank
		// or NUL follows it within the buffer.
		i := nextNonBlank(&buf, 2, last)
		if i < 0 || nextTerminator(&buf, i, last) < 0 {
			return "", "", false
		}
		end = last
	}
	for isBlank(buf[end-1]) {
		end--
	}
	name := nextNonBlank(&buf, 2, end)
	if name < 0 || name == end {
		return "", "", false
	}
	argAt := -1
	sep := nextTerminator(&buf, name, end)
	if sep >= 0 && buf[sep] != 0 {
		argAt = nextNonBlank(&buf, sep, end)
	}
	// Linux writes NULs at end (and at sep when there is an argument) and
	// reads both as C strings.
	buf[end] = 0
	if argAt >= 0 {
		buf[sep] = 0
		arg = cBytes(buf[argAt:])
	}
	return cBytes(buf[name:]), arg, true
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// nextNonBlank is the index of the first byte in buf[first:last+1] that is
// not a blank, or -1.
func nextNonBlank(buf *[HeadSize]byte, first, last int) int {
	for i := first; i <= last; i++ {
		if !isBlank(buf[i]) {
			return i
		}
	}
	return -1
}

// nextTerminator is the index of the first blank or NUL in
// buf[first:last+1], or -1.
func nextTerminator(buf *[HeadSize]byte, first, last int) int {
	for i := first; i <= last; i++ {
		if isBlank(buf[i]) || buf[i] == 0 {
			return i
		}
	}
	return -1
}

// cBytes is b as a C string: up to its first NUL.
func cBytes(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
