#!/usr/bin/env bash
# Checks the README's promise that `npm ci && npm test` passes on a fresh Debian machine as root:
# a minimal Debian bookworm (debootstrap --variant=minbase: no Python, Jupyter, Chromium, git)
# with only this machine's Node and npm copied in, the committed tree of HEAD, and then
# `npm ci && npm test -- [TEST FILES…]` inside it (all tests when none are given).
#
# Needs root, debootstrap (apt-get install debootstrap), Debian's mirror and the npm registry.
# Takes 20+ minutes and about 2 GB in DIR (default /tmp/irbook-fresh-debian); mounts are
# private to the run (unshare -m). Remove DIR afterwards.
#
#   sudo scripts/check-fresh-debian.sh [TEST FILES…]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${IRBOOK_FRESH_DIR:-/tmp/irbook-fresh-debian}
root=$dir/root

if [ ! -x "$root/usr/bin/apt-get" ]; then
  mkdir -p "$dir"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi
node=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp "$node" "$root/usr/bin/node"
mkdir -p "$root/usr/lib/node_modules"
rm -rf "$root/usr/lib/node_modules/npm" && cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's CA bundle, in case the registry is reached through a TLS proxy.
mkdir -p "$root/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
rm -rf "$root/root/irbook" && mkdir -p "$root/root/irbook"
git -C "$repo" archive HEAD | tar -x -C "$root/root/irbook"

# shellcheck disable=SC2016 # the inner script expands its own arguments
exec unshare -m --propagation private bash -c '
  root=$1; shift
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t sysfs sys "$root/sys"
  exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    /bin/bash -c "cd /root/irbook && npm ci && npm test -- \"\$@\"" -- "$@"
' -- "$root" "$@"
