#!/usr/bin/env bash
# Runs the RUN lines of one text test, in the manner of LLVM's lit:
#   # RUN: neurofuse ir %s | FileCheck %s
#   # RUN: not neurofuse ir %s 2>&1 | FileCheck %s
# %s is the test file, %S its folder, %t a fresh temporary path, %root the
# repository root; `neurofuse`
# and `FileCheck` are the built tool and LLVM's FileCheck; `not` inverts an
# exit status.
set -u
test_file=$1 neurofuse_bin=$2 filecheck_bin=$3 root=$4
not() { if "$@"; then return 1; else return 0; fi; }
neurofuse() { "$neurofuse_bin" "$@"; }
FileCheck() { "$filecheck_bin" "$@"; }
export -f not neurofuse FileCheck
export neurofuse_bin filecheck_bin
runs=$(grep -E '^#\s*RUN:' "$test_file" | sed -E 's/^#\s*RUN:\s*//')
if [ -z "$runs" ]; then echo "no RUN line in $test_file"; exit 1; fi
cd "$root"
tmp_dir=$(mktemp -d)
trap 'rm -rf "$tmp_dir"' EXIT
while IFS= read -r cmd; do
  cmd=${cmd//%root/$root}
  cmd=${cmd//%S/$(dirname "$test_file")}
  cmd=${cmd//%s/$test_file}
  cmd=${cmd//%t/$tmp_dir/t}
  echo "RUN: $cmd"
  bash -o pipefail -c "$cmd" || { echo "FAILED: $cmd"; exit 1; }
done <<< "$runs"
