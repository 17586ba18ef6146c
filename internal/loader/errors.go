package loader

import (
	"errors"
	"fmt"
	"io/fs"

	"vessel/internal/abi"
)

// Error is why Load refused a program. Error() reads "PATH: reason", which
// the command line prints after "vessel: "; Errno is what execve returns to
// the guest. errors.Is(err, abi.ENOEXEC) and the like work through Unwrap.
type Error struct {
	Path   string    // the program, as the guest named it
	Reason string    // what is wrong, in words, e.g. "not a riscv64 ELF file (EM_X86_64)"
	Errno  abi.Errno // ENOEXEC, ENOENT, EACCES, E2BIG, ENOMEM, ...
}

// Error returns "PATH: reason".
func (e *Error) Error() string { return e.Path + ": " + e.Reason }

// Unwrap returns the errno, so that errors.Is(err, abi.ENOENT) holds.
func (e *Error) Unwrap() error { return e.Errno }

// fail returns an *Error without its path; Load fills the path in.
func fail(errno abi.Errno, format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...), Errno: errno}
}

// noexec is fail(ENOEXEC, ...): the file is not a program vessel can run.
func noexec(format string, args ...any) *Error {
	return fail(abi.ENOEXEC, format, args...)
}

// errnoText is strerror(3) for the errnos an exec reports, in the words of
// glibc (and of Go's syscall package), lower case.
var errnoText = map[abi.Errno]string{
	abi.EPERM:        "operation not permitted",
	abi.ENOENT:       "no such file or directory",
	abi.EIO:          "input/output error",
	abi.E2BIG:        "argument list too long",
	abi.ENOEXEC:      "exec format error",
	abi.ENOMEM:       "cannot allocate memory",
	abi.EACCES:       "permission denied",
	abi.EFAULT:       "bad address",
	abi.ENOTDIR:      "not a directory",
	abi.EISDIR:       "is a directory",
	abi.EINVAL:       "invalid argument",
	abi.ETXTBSY:      "text file busy",
	abi.ENAMETOOLONG: "file name too long",
	abi.ELOOP:        "too many levels of symbolic links",
}

// strerror describes errno in words, or by its C name when it has none here.
func strerror(errno abi.Errno) string {
	if s, ok := errnoText[errno]; ok {
		return s
	}
	return errno.Error()
}

// openError turns what an Opener returned into an errno and words: an
// abi.Errno as itself, fs.ErrNotExist as ENOENT, fs.ErrPermission as EACCES,
// anything else as EIO with its own text.
func openError(err error) (abi.Errno, string) {
	var errno abi.Errno
	switch {
	case errors.As(err, &errno) && errno != 0:
		return errno, strerror(errno)
	case errors.Is(err, fs.ErrNotExist):
		return abi.ENOENT, strerror(abi.ENOENT)
	case errors.Is(err, fs.ErrPermission):
		return abi.EACCES, strerror(abi.EACCES)
	}
	return abi.EIO, err.Error()
}
