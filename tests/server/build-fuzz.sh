#!/bin/sh
# Build (and optionally run) the libFuzzer harness for egov-sim's request
# handling with clang; not part of the default build.
#   tests/server/build-fuzz.sh BUILDDIR [seconds]
# BUILDDIR is a configured build tree (for config.h).
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: build-fuzz.sh BUILDDIR [seconds]}
out="$build/fuzz-request"
clang -g -O1 -fsanitize=fuzzer,address,undefined -I"$build" -I"$src/server" -I"$src/common" \
	-include "$build/config.h" \
	$(ls "$src"/server/*.c | grep -v /main.c) "$src"/common/*.c "$src/tests/server/fuzz-request.c" \
	$(pkg-config --cflags --libs libmicrohttpd sqlite3 jansson libutf8proc) -lz -lcrypt -lpthread \
	-o "$out"
echo "built $out"
if [ -n "$2" ]; then
	mkdir -p "$build/fuzz-corpus"
	"$out" -max_total_time="$2" -max_len=4096 "$build/fuzz-corpus"
fi
