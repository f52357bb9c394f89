#!/bin/bash
# Run the decoder fuzz target over generated seeds: a valid dump, every
# truncation of it and single-byte corruptions. Under ASan/UBSan in CI, so a
# crash, overflow or leak fails the test.
set -eu
target=$1 gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$gen" "$dir"
"$target" "$dir"/*
echo "fuzz seeds: $(ls "$dir" | wc -l) inputs decoded without a crash"
