// Command compute is a CPU-bound Go workload, the Go counterpart of
// testdata/guest/compute.c: per round, SHA-256 over 8 MiB of generated
// bytes, a sort of 250,000 integers, and 50,000 formatted map keys
// marshalled to JSON. It prints one line of checksums, the same natively
// and on riscv64 for a given SCALE (rounds, default 1), and exits 0; 2 on
// a bad argument.
//
// Usage: compute [SCALE]
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
)

func main() {
	rounds := 1
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: compute [SCALE]")
			os.Exit(2)
		}
		rounds = n
	}
	var sum [sha256.Size]byte
	var sorted, marshalled int
	buf := make([]byte, 8<<20)
	xs := make([]int, 250000)
	for r := range rounds {
		for i := range buf {
			buf[i] = byte(i*7 + r)
		}
		h := sha256.Sum256(buf)
		for i := range sum {
			sum[i] ^= h[i]
		}
		for i := range xs {
			xs[i] = (i*2654435761 + r) % 1000003
		}
		slices.Sort(xs)
		sorted += xs[len(xs)/3]
		m := make(map[string]int)
		for i := range 50000 {
			m[fmt.Sprint("k", (i*31+r)%9973)] += i
		}
		b, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		marshalled += len(b)
	}
	fmt.Printf("rounds %d sha256 %x sorted %d json %d\n", rounds, sum[:8], sorted, marshalled)
}
