#!/usr/bin/env sh
# Builds apps_peer with the system C compiler. OUT names the binary (default: ./apps_peer next to this script).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"${CC:-cc}" -std=gnu11 -O2 -Wall -Wextra -Werror -o "${OUT:-$here/apps_peer}" "$here/apps_peer.c"
