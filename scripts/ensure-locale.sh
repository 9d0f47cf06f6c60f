#!/usr/bin/env bash
# Builds the en_US.UTF-8 locale into DIR (no root needed) unless it is already there.
# ONNX Runtime's StringNormalizer operator constructs this C++ locale; models that use it
# (e.g. sklearn TF-IDF pipelines) fail to load without it. Start the JVM with LOCPATH=DIR.
set -euo pipefail
dir=${1:?usage: ensure-locale.sh DIR}
[ -f "$dir/en_US.UTF-8/LC_CTYPE" ] && exit 0
mkdir -p "$dir"
if ! command -v localedef >/dev/null; then
  echo "ensure-locale: localedef not found; install the 'locales' package (apt-get install locales)" >&2
  exit 1
fi
# localedef exits 1 on harmless warnings; judge by the result instead.
localedef -i en_US -f UTF-8 "$dir/en_US.UTF-8" >/dev/null 2>&1 || true
if [ ! -f "$dir/en_US.UTF-8/LC_CTYPE" ]; then
  echo "ensure-locale: could not build en_US.UTF-8 in $dir; install the 'locales' package" >&2
  exit 1
fi
