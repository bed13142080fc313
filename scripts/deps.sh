#!/usr/bin/env bash
# Installs the Debian 12 packages zkbalance needs to build, test and run its
# experiments. Idempotent: does nothing when everything is already there.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  meson ninja-build pkg-config g++ clang libclang-rt-14-dev
  libuv1-dev libfmt-dev nlohmann-json3-dev catch2 libbenchmark-dev
  libhttp-parser-dev libcli11-dev libedit-dev
  # zksim's TLS listeners and DIGEST-MD5; the openssl command makes test certificates
  libssl-dev openssl
  # SASL in the client (Cyrus, as the C client): DIGEST-MD5 and GSSAPI plugins
  libsasl2-dev libsasl2-modules libsasl2-modules-gssapi-mit
  # real ZooKeeper 3.8 and real clients, for interop tests and benchmarks
  zookeeper zookeeper-bin libzookeeper-mt-dev python3 python3-kazoo default-jre-headless
  libnetty-java  # real ZooKeeper TLS ensembles (NettyServerCnxnFactory)
  # experiments and tooling
  gnuplot-nox valgrind tmux
  # man pages of zkcli and zksim (generated from --help)
  help2man
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
