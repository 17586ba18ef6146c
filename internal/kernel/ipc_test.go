package kernel_test

import (
	"strconv"
	"strings"
	"testing"

	"vessel/internal/kernel"
)

// readLine reads one line the guest printed.
func readLine(t *testing.T, stdout interface{ ReadString(byte) (string, error) }) string {
	t.Helper()
	line, err := stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("guest output: %v", err)
	}
	return strings.TrimSuffix(line, "\n")
}

// sysvLine returns the line of /proc/sysvipc/KIND whose key column is key,
// split into fields.
func sysvLine(t *testing.T, k *kernel.Kernel, kind string, key int) []string {
	t.Helper()
	text := string(k.SysVIPCText(kind))
	for _, l := range strings.Split(text, "\n")[1:] {
		if f := strings.Fields(l); len(f) > 0 && f[0] == strconv.Itoa(key) {
			return f
		}
	}
	t.Fatalf("no key %d in /proc/sysvipc/%s:\n%s", key, kind, text)
	return nil
}

// TestIPCWaiters: tasks asleep in msgrcv and msgsnd are woken with EIDRM
// when their queue is removed, and a signal ends msgrcv with EINTR even
// under SA_RESTART; meanwhile /proc/sysvipc and the mqueue listing show
// what the guest made, with the attach count of the segment its children
// inherited.
func TestIPCWaiters(t *testing.T) {
	bin := buildGuest(t, "ipcwait")
	k, stdin, stdout := newKernel(t)
	if _, err := k.StartInit(bin, []string{"ipcwait"}, nil); err != nil {
		t.Fatal(err)
	}
	pids := strings.Fields(readLine(t, stdout))
	if len(pids) != 2 {
		t.Fatalf("guest printed %q, want two pids", pids)
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(p)
		waitState(t, k, int32(pid), kernel.StateSleeping)
	}

	shm := sysvLine(t, k, "shm", 0x1234)
	// key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
	if shm[2] != "640" || shm[3] != "100" || shm[4] != "1" || shm[6] != "3" || shm[14] != "4096" {
		t.Errorf("shm line %q: want perms 640, size 100, cpid 1, nattch 3 (the parent and two forks), rss 4096", shm)
	}
	msg := sysvLine(t, k, "msg", 0x2346)
	// key msqid perms cbytes qnum lspid lrpid ...
	if msg[2] != "600" || msg[3] != "1" || msg[4] != "1" || msg[5] != "1" || msg[6] != "0" {
		t.Errorf("msg line %q: want perms 600, 1 byte in 1 message sent by pid 1", msg)
	}
	sem := sysvLine(t, k, "sem", 0x3456)
	// key semid perms nsems ...
	if sem[2] != "666" || sem[3] != "2" {
		t.Errorf("sem line %q: want perms 666, 2 semaphores", sem)
	}
	var found bool
	for _, q := range k.MQueues() {
		if q.Name == "vessel-ipcwait" {
			found = true
			if q.Mode != 0o640 || q.Size != 80 {
				t.Errorf("mqueue entry %+v: want mode 0640, size 80", q)
			}
		}
	}
	if !found {
		t.Errorf("MQueues lists no vessel-ipcwait: %+v", k.MQueues())
	}

	stdin.Write([]byte("\n"))
	if got := readLine(t, stdout); got != "EIDRM EIDRM" {
		t.Errorf("the receiver and sender after IPC_RMID: got %q, want EIDRM EIDRM", got)
	}

	pid, _ := strconv.Atoi(readLine(t, stdout))
	waitState(t, k, int32(pid), kernel.StateSleeping)
	if shm := sysvLine(t, k, "shm", 0x1234); shm[6] != "2" {
		t.Errorf("nattch with the first two children gone and a third forked: got %s, want 2", shm[6])
	}
	stdin.Write([]byte("\n"))
	if got := readLine(t, stdout); got != "EINTR" {
		t.Errorf("msgrcv interrupted by a handler: got %q, want EINTR", got)
	}
	stdin.Write([]byte("\n"))
	if status := k.Wait(); status != 0 {
		t.Errorf("guest wait status %#x, want 0", status)
	}
	if text := string(k.SysVIPCText("shm")); strings.Count(text, "\n") != 1 {
		t.Errorf("segments left after the guest removed them:\n%s", text)
	}
	if qs := k.MQueues(); len(qs) != 0 {
		t.Errorf("queues left: %+v", qs)
	}
}
