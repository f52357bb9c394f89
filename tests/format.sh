#!/bin/bash
# The code follows .clang-format (kernel style).
set -eu
cd "$1"
command -v clang-format >/dev/null || { echo "SKIP: clang-format not installed"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]')
bad=0
for f in $files; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run clang-format -i $f)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "format: $(echo "$files" | wc -w) files clean"
exit $bad
