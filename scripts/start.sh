#!/usr/bin/env bash
# Builds the native command-line tool and shows its usage.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh native
if [ ! -x build/native/mobilenet ]; then
  echo "start: build/native/mobilenet was not built (no sources in src/cli/ yet)" >&2
  exit 1
fi
exec build/native/mobilenet --help
