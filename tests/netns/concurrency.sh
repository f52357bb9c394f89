#!/bin/bash
# A snapshot taken while another process commits rules in a loop is always
# internally consistent: its rules are exactly those of the generation it
# reports. Writer transaction K replaces the chain with 1000 rules that all
# carry the comment "txn-K", and moves the generation to G0 + K; so a
# snapshot at generation G must hold 1000 rules, all "txn-(G - G0)". The
# same transaction refills a set with 250 addresses of its own, which a
# snapshot reads on a second socket (dump.c), so the set must hold exactly
# transaction K's addresses too. Odd transactions add a chain and even ones
# delete it, so a chain listed by one dump can be gone when its rules are
# asked for: the snapshot must retry, not fail.
set -u
fw=$1
unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export work fw
unshare -n bash -c '
	set -u
	nft add table inet t && nft add chain inet t c || exit 2
	nft add set inet t s "{ type ipv4_addr; }" || exit 2
	g0=$("$fw" snapshot --stats -o "$work/s0.json" 2>&1 >/dev/null | sed -n "s/^generation \([0-9]*\):.*/\1/p")
	(
		k=1
		while [ ! -e "$work/stop" ]; do
			{
				echo "flush chain inet t c"
				for i in $(seq 1 1000); do
					echo "add rule inet t c tcp dport $i counter accept comment \"txn-$k\""
				done
				if [ $((k % 2)) -eq 1 ]; then
					echo "add chain inet t d"
					echo "add rule inet t d counter"
				else
					echo "delete chain inet t d"
				fi
				echo "flush set inet t s"
				echo "add element inet t s { $(seq -s, -f "10.$((k / 256 % 256)).$((k % 256)).%g" 1 250) }"
			} > "$work/txn"
			nft -f "$work/txn" || exit 1
			k=$((k + 1))
		done
	) &
	writer=$!
	sleep 0.2
	bad=0 n=0 retried=0
	for i in $(seq 1 150); do
		"$fw" snapshot --stats -o "$work/s.json" 2> "$work/stats" || { echo "snapshot failed"; cat "$work/stats"; bad=1; break; }
		g=$(sed -n "s/^generation \([0-9]*\):.*/\1/p" "$work/stats")
		a=$(sed -n "s/.*rules, \([0-9]*\) attempt.*/\1/p" "$work/stats")
		[ "$a" -gt 1 ] && retried=$((retried + 1))
		k=$((g - g0))
		"$fw" show --snapshot "$work/s.json" > "$work/show"
		total=$(grep -c "comment \"txn-" "$work/show")
		want=$(grep -c "comment \"txn-$k\"" "$work/show")
		if [ "$k" -gt 0 ] && { [ "$total" -ne 1000 ] || [ "$want" -ne 1000 ]; }; then
			echo "INCONSISTENT: generation $g (txn $k): $total rules, $want of txn $k"
			bad=1
		fi
		etotal=$(grep -oE "10\.[0-9]+\.[0-9]+\.[0-9]+" "$work/show" | wc -l)
		ewant=$(grep -oE "10\.$((k / 256 % 256))\.$((k % 256))\.[0-9]+" "$work/show" | wc -l)
		if [ "$k" -gt 0 ] && { [ "$etotal" -ne 250 ] || [ "$ewant" -ne 250 ]; }; then
			echo "INCONSISTENT: generation $g (txn $k): $etotal set elements, $ewant of txn $k"
			bad=1
		fi
		n=$((n + 1)); echo "$k" >> "$work/ks"
	done
	touch "$work/stop"
	wait $writer
	echo "concurrency: $n snapshots under a committing writer, all consistent: $([ $bad -eq 0 ] && echo yes || echo NO); $retried needed a retry; $(sort -u "$work/ks" | wc -l) distinct generations seen"
	# a chain and a set that come and go in small transactions: one listed
	# can be gone when its rules or elements are asked for (ENOENT)
	rm -f "$work/stop"
	nft flush table inet t && nft delete chain inet t c && nft delete set inet t s || exit 2
	(
		while [ ! -e "$work/stop" ]; do
			sleep 0.005
			nft -f - <<-EOF || exit 1
				add chain inet t gone
				add rule inet t gone counter
				add set inet t gone { type ipv4_addr; elements = { 10.1.1.1 } }
			EOF
			nft -f - <<-EOF || exit 1
				delete chain inet t gone
				delete set inet t gone
			EOF
		done
	) &
	writer=$!
	failed=0
	for i in $(seq 1 200); do
		"$fw" snapshot -o "$work/s.json" 2> "$work/err" || { cat "$work/err"; failed=$((failed + 1)); }
	done
	touch "$work/stop"
	wait $writer
	echo "concurrency: 200 snapshots while a chain and a set come and go: $failed failed"
	[ $failed -eq 0 ] || bad=1
	exit $bad
'
