// Command zombie makes a zombie for ps to show: it starts a child, does not
// wait for it, and sleeps. The child exits at once and stays in state Z
// (<defunct>) until zombie itself exits and init reaps the orphan.
//
// Usage: zombie [SECONDS] [PROGRAM [ARG...]]
//
// SECONDS defaults to 30 and PROGRAM to /bin/true.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	secs := 30.0
	args := os.Args[1:]
	if len(args) > 0 {
		if s, err := strconv.ParseFloat(args[0], 64); err == nil {
			secs, args = s, args[1:]
		}
	}
	if len(args) == 0 {
		args = []string{"/bin/true"}
	}
	// os.StartProcess forks and execs; nobody calls Wait, so the exited
	// child stays a zombie (Linux keeps it for its parent's wait4).
	p, err := os.StartProcess(args[0], args, &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "zombie:", err)
		os.Exit(1)
	}
	fmt.Printf("zombie: pid %d started child %d and will not wait for it\n", os.Getpid(), p.Pid)
	time.Sleep(time.Duration(secs * float64(time.Second)))
}
