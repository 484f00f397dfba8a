#!/bin/sh
# Build every libFuzzer harness of the tree with clang and run each one,
# printing TAP (a test of ./run-tests, and the long fuzzing command):
#   tests/fuzz/fuzz-config.c     the configuration parser (cli/config.c, config-values.c)
#   tests/fuzz/fuzz-feed.c       the change-feed applier (cache/) on pages
#                                decoded by libegovapi
#   tests/api/fuzz-decode.c      every libegovapi decoder: built and run by
#                                its own tests/api/run-fuzz.sh
#   tests/server/fuzz-request.c  egov-sim's request handling: built by its
#                                own tests/server/build-fuzz.sh
#
#   tests/fuzz/run-fuzzers.sh                brief: FUZZ_SECONDS (10) each
#   tests/fuzz/run-fuzzers.sh --long 600     600 s each (HACKING.md)
#
# Run from a configured build tree (or set EGOV_BUILDDIR): the harnesses
# need its config.h.  Sources are compiled straight from the source tree
# with clang -fsanitize=fuzzer,address,undefined in a temporary folder, so
# the build tree gets nothing new.  FUZZ_KEEP=DIR keeps the corpora and any
# crashing input there (for a long run that goes on later, or to replay a
# crash: run the harness with the file as its argument).  Skips cleanly
# when clang or its libFuzzer runtime is missing.
srcdir=${EGOV_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${EGOV_BUILDDIR:-$(pwd)}
secs=${FUZZ_SECONDS:-10}
CLANG=${CLANG:-clang}
export CLANG

if [ "$1" = "--long" ]; then
	secs=${2:?usage: run-fuzzers.sh [--long SECONDS]}
fi
case $secs in
''|*[!0-9]*) echo "run-fuzzers.sh: seconds must be a number, not '$secs'" >&2; exit 2 ;;
esac

echo "1..8"
skip_all() {
	for n in 1 2 3 4 5 6 7 8; do
		echo "ok $n # SKIP $1"
	done
	exit 0
}
command -v "$CLANG" >/dev/null 2>&1 || skip_all "clang not installed"
[ -f "$builddir/config.h" ] || skip_all "no config.h in $builddir (run from a configured build tree)"

work=$(mktemp -d "${TMPDIR:-/tmp}/egov-fuzzers.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
keep=${FUZZ_KEEP:-$work/keep}
mkdir -p "$keep" "$work/bin"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' \
	>"$work/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" \
	>"$work/probe.log" 2>&1; then
	skip_all "clang has no libFuzzer runtime"
fi

SANFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CPPFLAGS_ALL="-DHAVE_CONFIG_H -I$builddir -I$srcdir/common -I$srcdir/api-client/include"

# build NAME SOURCES... -- PKGS...: a harness of our own, log in $work.
build() {
	name=$1
	shift
	srcs=
	while [ "$1" != "--" ]; do
		srcs="$srcs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	"$CLANG" $SANFLAGS $CPPFLAGS_ALL -I"$srcdir/cli" -I"$srcdir/cache" \
		-o "$work/bin/$name" $srcs $(pkg-config --cflags --libs "$@") -lpthread \
		>"$work/build-$name.log" 2>&1
}

# egov-sim's harness through its own script, into a folder with config.h.
build_request() {
	mkdir -p "$work/server"
	cp "$builddir/config.h" "$work/server/"
	sh "$srcdir/tests/server/build-fuzz.sh" "$work/server" >"$work/build-request.log" 2>&1 &&
		mv "$work/server/fuzz-request" "$work/bin/request"
}

# Seed corpora: a realistic configuration, and the feed pages of the
# api-client's test data (each twice, as two pages, with and without the
# flags that act and read the queues).
seed() {
	mkdir -p "$keep/config" "$keep/feed" "$keep/request"
	printf '\001%s\n' "[default]" "server = https://egov.haiphong.gov.vn" "user = officer" \
		"lang = vi" "color = auto" "sync_interval = 60" "auto_lock = 10" \
		"log_level = info" "log_file = /tmp/egov.log" "timeout = 30" \
		"[profile work]" "server = https://127.0.0.1:8443" "ca_file = /etc/ca.pem" \
		"[keys]" "claim = c" "approve = A" "[colors]" "overdue = red,default" \
		>"$keep/config/seed-full"
	printf '\002[profile work]\nuser = x\n' >"$keep/config/seed-profile"
	/usr/bin/python3 - "$srcdir/tests/api/data" "$keep/feed" <<'EOF'
import glob, json, os, sys
n = 0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*changes*.case"))):
    inp = json.load(open(f, encoding="utf-8")).get("input")
    if inp is None:
        continue
    s = (inp if isinstance(inp, str) else json.dumps(inp, ensure_ascii=False)).encode()
    for flags in (0, 7):
        n += 1
        with open(os.path.join(sys.argv[2], f"seed{n}"), "wb") as out:
            out.write(bytes([flags]) + s + b"\n----\n" + s)
EOF
	printf 'GET /api/v1/dossiers?q=abc HTTP/1.1\r\nHost: x\r\n\r\n' >"$keep/request/seed-get"
}

# fuzz NAME MAXLEN: run a built harness; its log in $work.
fuzz() {
	ASAN_OPTIONS=detect_leaks=1 "$work/bin/$1" -max_total_time="$secs" -max_len="$2" \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$keep/crash-$1-" \
		"$keep/$1" >"$work/fuzz-$1.log" 2>&1
}

report_fuzz() {
	n=$1 name=$2 rc=$3
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz-$name.log" |
		grep -o '[0-9]*$')
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - fuzz $name: ${runs:-?} inputs in ${secs}s, no crash"
	else
		echo "not ok $n - fuzz $name"
		grep -v '^#[0-9]' "$work/fuzz-$name.log" | tail -40 | sed 's/^/# /'
		for f in "$keep"/crash-"$name"-*; do
			[ -f "$f" ] && echo "# crashing input (kept with FUZZ_KEEP=DIR): $(od -An -c "$f" | head -5 | tr -s ' ')"
		done
		failed=1
	fi
}

report_build() {
	n=$1 name=$2 rc=$3
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - build $name"
	else
		echo "not ok $n - build $name"
		tail -30 "$work/build-$name.log" | sed 's/^/# /'
		failed=1
	fi
}

failed=0
seed
# Two cores: build two at a time, then fuzz two at a time.
build config "$srcdir/tests/fuzz/fuzz-config.c" "$srcdir/cli/config.c" "$srcdir/cli/config-values.c" \
	"$srcdir/cli/cli-util.c" "$srcdir/cli/output.c" "$srcdir"/common/*.c \
	-- inih jansson libutf8proc &
pc=$!
build_request &
pr=$!
build feed "$srcdir/tests/fuzz/fuzz-feed.c" "$srcdir"/cache/*.c "$srcdir"/api-client/*.c \
	"$srcdir"/common/*.c -- sqlite3 jansson libcurl libutf8proc
rf=$?
wait $pc
rc_=$?
wait $pr
rr=$?
report_build 1 config $rc_
report_build 2 feed $rf
report_build 3 request $rr

[ $rc_ -eq 0 ] && { fuzz config 4096 & pc=$!; }
[ $rf -eq 0 ] && fuzz feed 65536
rff=$?
[ $rc_ -eq 0 ] && { wait $pc; rcf=$?; }
[ $rc_ -eq 0 ] && report_fuzz 4 config $rcf || echo "not ok 4 - fuzz config # not built"
[ $rf -eq 0 ] && report_fuzz 5 feed $rff || echo "not ok 5 - fuzz feed # not built"

[ $rr -eq 0 ] && { fuzz request 4096 & pr=$!; }
EGOV_SRCDIR=$srcdir EGOV_BUILDDIR=$builddir FUZZ_SECONDS=$secs \
	sh "$srcdir/tests/api/run-fuzz.sh" >"$work/api.log" 2>&1
ra=$?
[ $rr -eq 0 ] && { wait $pr; rrf=$?; }
[ $rr -eq 0 ] && report_fuzz 6 request $rrf || echo "not ok 6 - fuzz request # not built"
# run-fuzz.sh speaks TAP of its own (build, fuzz): re-number its two
# points, keep its words.
sed -n 's/^\(not ok\|ok\) 1 - /\1 7 - api decoders: /p; s/^\(not ok\|ok\) 2 - /\1 8 - api decoders: /p' \
	"$work/api.log"
grep -q '^ok 2 ' "$work/api.log" || { grep '^#' "$work/api.log" | tail -30; failed=1; }
[ $ra -eq 0 ] || failed=1
exit $failed
