#!/usr/bin/env bash
# Installs every Debian 12 package that building, scanning and the test
# suite need. Used by the README's quick start and by .ci/run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  build-essential cmake pkg-config      # compiler and build
  libcsv-dev libpcre2-dev libsqlite3-dev zlib1g-dev libzstd-dev libisal-dev
  libssl-dev                            # OpenSSL libcrypto: SHA-256, HMAC
  sqlite3 gzip zstd pigz time python3 python3-pandas python3-jsonschema util-linux ripgrep  # used by the tests and tests/bench/harness.sh
  chromium                              # renders the HTML report in a test
  clang libclang-rt-14-dev              # libFuzzer harnesses (tests/fuzz)
  slurm-wlm munge procps                # a one-node Slurm cluster (cli.test_slurm)
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
