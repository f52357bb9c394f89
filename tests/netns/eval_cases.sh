#!/bin/bash
# Expression semantics of trace and reach, case by case (tests/data/eval/cases.txt),
# each ruleset loaded by nft into a private namespace. Each reach is asked
# again three times in one run (FWAUDIT_REACH_REPEAT), as the watcher asks,
# when rule guards pass over rules: its whole answer must not change.
# usage: eval_cases.sh FWAUDIT CASES
set -u
fw=$(realpath "$1")
cases=$2
unshare -n true 2>/dev/null || { echo "eval-cases: cannot make a namespace; skipped"; exit 77; }
export fw
unshare -n bash -c '
	ip link add eth0 type veth peer name eth1
	pass=0 fail=0 name="" ruleset="" mode=rules
	run_block() {
		[ -n "$name" ] || return 0
		nft flush ruleset
		if ! printf "%s\n" "$ruleset" | sed "s/ }/\n}/g" | nft -f - 2>/tmp/eval-cases.err; then
			echo "FAIL $name: ruleset does not load: $(cat /tmp/eval-cases.err)"; fail=$((fail + 1)); return
		fi
		while IFS= read -r check; do
			[ -n "$check" ] || continue
			local cmd=${check%% *} rest=${check#* } hook=input
			local expect=${rest##*=> } spec=${rest% => *}
			case "$spec" in prerouting\ * | output\ * | forward\ * | postrouting\ *)
				hook=${spec%% *}; spec=${spec#* } ;; esac
			local opt=--packet; [ "$cmd" = reach ] && opt=--flow
			local got
			got=$("$fw" "$cmd" --hook "$hook" $opt "$spec" --format json 2>&1 |
				sed -n "s/.*\"verdict\":\"\([a-z]*\)\",\"\(reason\|assumptions\|path\|classes\)\".*/\1/p" | head -1)
			[ "$cmd" = trace ] && got=$("$fw" trace --hook "$hook" --packet "$spec" --format json 2>&1 |
				sed -n "s/^{\"hook\":\"[a-z]*\",\"packet\":\"[^\"]*\",\"verdict\":\"\([a-z]*\)\".*/\1/p")
			[ "$cmd" = reach ] && got=$("$fw" reach --hook "$hook" --flow "$spec" --format json 2>&1 |
				sed -n "s/^{\"hook\":\"[a-z]*\",\"flow\":\"[^\"]*\",\"verdict\":\"\([a-z]*\)\".*/\1/p")
			if [ "$got" = "$expect" ]; then
				pass=$((pass + 1))
			else
				echo "FAIL $name: $cmd $hook $spec: expected $expect, got ${got:-an error}"
				"$fw" "$cmd" --hook "$hook" $opt "$spec" 2>&1 | sed "s/^/    /" | head -30
				fail=$((fail + 1))
			fi
			# reach again as the watcher asks it, with rule guards: the same answer
			if [ "$cmd" = reach ]; then
				local cold warm
				cold=$("$fw" reach --hook "$hook" --flow "$spec" 2>&1)
				warm=$(FWAUDIT_REACH_REPEAT=3 "$fw" reach --hook "$hook" --flow "$spec" 2>&1)
				if [ "$cold" = "$warm" ]; then
					pass=$((pass + 1))
				else
					echo "FAIL $name: reach $hook $spec differs with rule guards:"
					diff <(echo "$cold") <(echo "$warm") | sed "s/^/    /" | head -30
					fail=$((fail + 1))
				fi
			fi
		done <<< "$checks"
	}
	checks=""
	while IFS= read -r line; do
		case "$line" in
		"#"*) continue ;;
		"=== "*) run_block; name=${line#=== }; ruleset=""; checks=""; mode=rules ;;
		---) mode=checks ;;
		*) if [ "$mode" = rules ]; then ruleset+="$line"$'"'"'\n'"'"'; else checks+="$line"$'"'"'\n'"'"'; fi ;;
		esac
	done < "'"$cases"'"
	run_block
	echo "eval-cases: $pass checks passed, $fail failed"
	[ "$fail" -eq 0 ]
'
