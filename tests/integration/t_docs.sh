#!/bin/bash
# The documents agree with the program and with each other: one source of
# truth for each measured figure (bench/RESULTS.md, written by make bench).
DOCS_REPO=$SRC	# the checkout: the stage holds no documents

# The man pages and the README quote no timing of their own: a figure in
# two places drifts (8 µs in one page, 9 µs in another, 50 in RESULTS.md).
test_docs_figures_only_in_results() {
	local hits
	hits=$(grep -nE '\\\(mcs|µs|[0-9] ?ms\b|[0-9]\.[0-9]+ ?×' \
		"$DOCS_REPO"/man/*.[157] "$DOCS_REPO/README.md" || true)
	[ -z "$hits" ] || fail "timings outside bench/RESULTS.md: $hits"
	grep -q 'bench/RESULTS.md' "$DOCS_REPO/man/sockmode.1" ||
		fail "sockmode(1) does not say where the figures are"
}
