#!/bin/sh
# Build tests/api/fuzz-decode.c with clang's libFuzzer and run it briefly
# over a seed corpus made of the test data's answers; prints TAP.  Skips
# when clang (with libFuzzer) is not installed.  FUZZ_SECONDS sets the time
# (default 15).
srcdir=${EGOV_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${EGOV_BUILDDIR:-$(pwd)}
secs=${FUZZ_SECONDS:-15}
CLANG=${CLANG:-clang}

echo "1..2"
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "ok 1 - build # SKIP clang not installed"
	echo "ok 2 - fuzz # SKIP clang not installed"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/egov-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
flags="$(pkg-config --cflags --libs libcurl jansson libutf8proc)"
# shellcheck disable=SC2086
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DHAVE_CONFIG_H -I"$builddir" -I"$srcdir/common" -I"$srcdir/api-client/include" \
	-o "$work/fuzz-decode" "$srcdir/tests/api/fuzz-decode.c" \
	"$srcdir"/api-client/*.c "$srcdir/common/vntext.c" "$srcdir/common/workdays.c" \
	"$srcdir/common/ident.c" $flags -lpthread >"$work/build.log" 2>&1; then
	if grep -q "fuzzer" "$work/build.log" && grep -qi "cannot find\|not found\|no such file" "$work/build.log"; then
		echo "ok 1 - build # SKIP clang has no libFuzzer runtime"
		echo "ok 2 - fuzz # SKIP clang has no libFuzzer runtime"
		exit 0
	fi
	echo "not ok 1 - build"
	sed 's/^/# /' "$work/build.log" | tail -30
	echo "not ok 2 - fuzz # build failed"
	exit 1
fi
echo "ok 1 - build"
mkdir -p "$work/corpus"
i=0
for f in "$srcdir"/tests/api/data/*.json "$srcdir"/tests/api/data/*.case; do
	for op in 0 1 2 3 4 5 6 7 8 9 10; do
		i=$((i + 1))
		{ printf "\\$(printf '%03o' "$op")"; cat "$f"; } >"$work/corpus/seed$i"
	done
done
if ASAN_OPTIONS=detect_leaks=1 "$work/fuzz-decode" -max_total_time="$secs" -max_len=65536 \
	-rss_limit_mb=2048 -print_final_stats=1 "$work/corpus" >"$work/fuzz.log" 2>&1; then
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$')
	echo "ok 2 - fuzz: ${runs:-?} inputs in ${secs}s, no crash"
else
	echo "not ok 2 - fuzz"
	tail -40 "$work/fuzz.log" | sed 's/^/# /'
	exit 1
fi
