// Command env runs a program in a modified environment, or prints the
// environment; u-root's core commands have no env of their own. It follows
// GNU env's options and exit statuses (125 for env's own errors, 126 when
// COMMAND cannot run, 127 when it is not found), and execs COMMAND in place,
// so the program keeps env's pid.
//
// Usage: env [-i] [-u NAME]... [-C DIR] [NAME=VALUE]... [COMMAND [ARG]...]
//
//	-i       start from an empty environment
//	-u NAME  remove NAME from the environment
//	-C DIR   change the working directory to DIR first
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func fail(code int, format string, a ...any) int {
	fmt.Fprintf(os.Stderr, "env: "+format+"\n", a...)
	return code
}

func run(args []string) int {
	env := os.Environ()
	dir := ""
options:
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		opt := args[0]
		args = args[1:]
		switch {
		case opt == "--":
			break options
		case opt == "-i" || opt == "--ignore-environment":
			env = nil
		case opt == "-u" || opt == "-C":
			if len(args) == 0 {
				return fail(125, "option %s needs an argument", opt)
			}
			if opt == "-u" {
				env = unset(env, args[0])
			} else {
				dir = args[0]
			}
			args = args[1:]
		case strings.HasPrefix(opt, "-u"):
			env = unset(env, opt[2:])
		case strings.HasPrefix(opt, "-C"):
			dir = opt[2:]
		default:
			return fail(125, "unknown option %s\nusage: env [-i] [-u NAME]... [-C DIR] [NAME=VALUE]... [COMMAND [ARG]...]", opt)
		}
	}
	for len(args) > 0 && strings.Contains(args[0], "=") {
		name := args[0][:strings.IndexByte(args[0], '=')]
		env = append(unset(env, name), args[0])
		args = args[1:]
	}
	if dir != "" {
		if err := os.Chdir(dir); err != nil {
			return fail(125, "cannot change directory to %s: %v", dir, unwrap(err))
		}
	}
	if len(args) == 0 {
		for _, kv := range env {
			fmt.Println(kv)
		}
		return 0
	}
	path, err := lookPath(args[0], env)
	if err != nil {
		return fail(127, "%s: %v", args[0], err)
	}
	err = syscall.Exec(path, args, env)
	code := 126
	if errors.Is(err, fs.ErrNotExist) {
		code = 127
	}
	return fail(code, "%s: %v", args[0], err)
}

// unset returns env without NAME.
func unset(env []string, name string) []string {
	return slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
}

// lookPath finds file in the PATH of env, as execvp does.
func lookPath(file string, env []string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	old := os.Getenv("PATH")
	os.Setenv("PATH", path)
	defer os.Setenv("PATH", old)
	p, err := exec.LookPath(file)
	if errors.Is(err, exec.ErrDot) {
		err = nil
	}
	if err != nil {
		return "", unwrap(err)
	}
	return p, nil
}

func unwrap(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
