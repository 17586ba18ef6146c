#!/bin/sh
# userland.sh DIR builds a guest root in DIR from u-root's core commands
# (the module in userland/), compiled with GOOS=linux GOARCH=riscv64
# CGO_ENABLED=0, for `vessel run --root DIR /bin/gosh`:
#
#   DIR/bin/     the commands userland/go.mod lists as tools; env and
#                zombie (a child left unreaped, for ps), our own, from
#                userland/testdata; sh -> gosh
#   DIR/etc/     passwd, group, hostname, hosts (localhost on vessel's
#                loopback), motd
#   DIR/root/    root's home directory
#   DIR/tmp/     scratch space (vessel mounts a tmpfs over it when it can)
#
# /proc, /dev and /sys are vessel's own and are not made here.
#
# DIR is a cache: when DIR/.userland holds the fingerprint of the sources,
# the Go toolchain and this script, nothing is rebuilt. Otherwise the root
# is built beside DIR and moved into place, so an interrupted build never
# leaves a half-made root behind; DIR.lock keeps two builders of one DIR
# (tests and the demo) apart. Prints nothing but errors on success.
set -e
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
export PATH="$PATH:/usr/local/go/bin"
export GOWORK=off

fingerprint() {
	{
		go version
		cat "$top/scripts/userland.sh" "$top/userland/go.mod" "$top/userland/go.sum"
		find "$top/userland" -name '*.go' | LC_ALL=C sort | xargs cat
	} | sha256sum | cut -d' ' -f1
}

mkdir -p "$(dirname "$dir")"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$dir.lock"
	flock 9
fi
want=$(fingerprint)
if [ -f "$dir/.userland" ] && [ "$(cat "$dir/.userland")" = "$want" ]; then
	exit 0
fi

tmp="$dir.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/root" "$tmp/tmp"
chmod 1777 "$tmp/tmp"
(
	cd "$top/userland"
	GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 \
		go build -trimpath -buildvcs=false -ldflags=-s -o "$tmp/bin/" tool ./testdata/env ./testdata/zombie
)
ln -s gosh "$tmp/bin/sh"

cat >"$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
nobody:x:65534:65534:nobody:/:/bin/false
EOF
cat >"$tmp/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOF
echo vessel >"$tmp/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$tmp/etc/hosts"
cat >"$tmp/etc/motd" <<'EOF'
This is a riscv64 userland (u-root's core commands) running under vessel.
Every process here is a guest task: try ps aux, sleep 30 &, kill, echo hi | cat.
EOF
echo "$want" >"$tmp/.userland"

rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
