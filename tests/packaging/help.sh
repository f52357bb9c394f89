#!/bin/bash
# Help, man page and completion agree: for every command fwaudit --help
# lists, `fwaudit help CMD` and `fwaudit CMD --help` print the same, and its
# long options are exactly those of its section in fwaudit(1); every exit
# code is in the man page; the bash completion offers the commands and a
# command's options.
# usage: help.sh FWAUDIT PACKAGINGDIR
set -u
fw=$(realpath "$1")
pk=$(realpath "$2")
man="$pk/man/fwaudit.1.scd"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

cmds=$("$fw" --help | awk '/^  [a-z]/ && $1 != "help" { print $1 }')
[ -n "$cmds" ] || fail "fwaudit --help lists no commands"
for c in $cmds; do
	a=$("$fw" help "$c") b=$("$fw" "$c" --help)
	[ "$a" = "$b" ] || fail "$c: 'help $c' and '$c --help' differ"
	want=$(echo "$a" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	section=$(awk -v c="## $c" '$0 == c { on = 1; next } on && /^#/ { exit } on' "$man")
	[ -n "$section" ] || { fail "$c: no section '## $c' in fwaudit(1)"; continue; }
	have=$(echo "$section" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	d=$(diff <(echo "$want") <(echo "$have")) ||
		fail "$c: options in help (<) and in fwaudit(1) (>) differ: $d"
done
for code in 0 1 2; do
	grep -q "^\*$code\*" "$man" || fail "exit code $code is not in fwaudit(1)"
done

# completion, as bash calls it
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fwaudit
		printf "%s\n" "${COMPREPLY[@]}"' _ "$pk/completion/fwaudit" "$@"
}
[ "$(comp "$fw" wat)" = watch ] || fail "completion: 'wat' does not give watch: $(comp "$fw" wat)"
comp "$fw" watch --jo | grep -qx -- --journal || fail "completion: 'watch --jo' does not give --journal"
comp "$fw" check --fail-on cr | grep -qx critical || fail "completion: --fail-on values"
echo "help: $fails failed"
[ "$fails" -eq 0 ]
