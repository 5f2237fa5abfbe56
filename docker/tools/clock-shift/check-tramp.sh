#!/bin/sh
# The trampoline object must be position-independent on its own: code only in section cs_tramp,
# and no relocations (a reference outside the section would point nowhere once copied).
set -eu
obj=$1
if readelf -rW "$obj" | grep -q 'Relocation section'; then
  echo "check-tramp: $obj has relocations; the trampoline must not reference anything outside cs_tramp:" >&2
  readelf -rW "$obj" >&2
  exit 1
fi
# Any other allocated section with content (.text, .rodata, .data…) would be left behind.
others=$(readelf -SW "$obj" | awk '$0 ~ /^ *\[ *[0-9]+\]/ { sub(/^ *\[ *[0-9]+\] */, ""); if ($1 != "cs_tramp" && $7 ~ /A/ && $5 !~ /^0+$/) print $1 }')
if [ -n "$others" ]; then
  echo "check-tramp: $obj has code or data outside cs_tramp: $others" >&2
  exit 1
fi
