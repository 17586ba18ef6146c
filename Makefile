# vessel's build. `make demo` shows it running; `make test` is what CI runs.
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all setup build test demo bench fuzz clean

all: build

setup:
	@./scripts/setup.sh

build:
	$(GO) build -o bin/vessel ./cmd/vessel

# The whole suite: formatting, vet, unit tests, guest programs compared with
# qemu-riscv64, the fuzz targets on their seed corpora, and the race detector
# over the packages that own concurrency.
test: setup
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race -short ./internal/...

# A riscv64 userland (u-root's commands, built into bin/userland) booted
# under vessel: an interactive shell on a terminal; otherwise a scripted tour
# of the process model, then guest programs from testdata/guest.
demo: setup build
	@./scripts/demo.sh

bench: setup build
	$(GO) run ./bench -vessel bin/vessel

# Longer fuzzing of everything that takes untrusted bytes.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run=^$$ -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./internal/cpu
	$(GO) test -run=^$$ -fuzz=FuzzJIT -fuzztime=$(FUZZTIME) ./internal/cpu
	$(GO) test -run=^$$ -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) ./internal/loader

clean:
	rm -rf bin
