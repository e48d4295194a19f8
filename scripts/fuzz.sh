#!/usr/bin/env bash
# Fuzzes the project with libFuzzer (clang-19, ASan + UBSan):
#   scripts/fuzz.sh [TARGET|all] [SECONDS]
# TARGET: model_text, ir_text, npz, checkpoint, descriptor (default: all),
# each for SECONDS (default 60). Builds build-sanitize/ first (or reuses it).
# Each target starts from its seed corpus (the repository's own files, see
# seed_corpus below) and the crashes fixed so far (fuzz/regressions/TARGET/,
# which are replayed first and must pass); new inputs it finds are kept in
# build-sanitize/fuzz/corpus/TARGET, and a crash is written to
# build-sanitize/fuzz/crash-TARGET-* (add it to fuzz/regressions/TARGET once
# fixed). Exits non-zero on the first crash.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
targets=(model_text ir_text npz checkpoint descriptor)
want=${1:-all}
seconds=${2:-60}
[ "$want" = all ] || targets=("$want")

if [ "${NEUROFUSE_SKIP_BUILD:-0}" != 1 ]; then
  CC=clang-19 CXX=clang++-19 cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNEUROFUSE_SANITIZE=address,undefined -DNEUROFUSE_FUZZ=ON >/dev/null
  cmake --build build-sanitize -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") neurofuse
fi
work=$root/build-sanitize/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The seed corpus of a target, from the repository's own files.
seed_corpus() {
  local target=$1 dir=$work/seeds/$1
  rm -rf "$dir" && mkdir -p "$dir"
  case $target in
    model_text) cp stdlib/*.nf "$dir/"; find examples tests/cli tests/error -name '*.nf' -exec cp --backup=numbered {} "$dir/" \; ;;
    ir_text)
      find examples tests -name '*.nfir' -exec cp --backup=numbered {} "$dir/" \;
      # The compiler's stages: hidden compartments and process variants.
      for model in kernels_fusion events; do
        build-sanitize/bin/neurofuse ir "tests/cli/$model.nf" --stage forwarded > "$dir/$model.stage.nfir" 2>/dev/null || true
      done ;;
    npz|checkpoint)
      build-sanitize/bin/neurofuse run tests/cli/checkpoint.nf --backend interp --process advance,learn --steps 3 \
        --save-state "$dir/state.npz" --record W.weights --out "$dir/records.npz" >/dev/null 2>&1
      /usr/bin/python3 -c "
import numpy as np, sys
d = sys.argv[1]
np.savez_compressed(d + '/compressed.npz', **dict(np.load(d + '/state.npz')))
np.save(d + '/f32.npy', np.arange(6, dtype=np.float32).reshape(2, 3))
np.save(d + '/bool.npy', np.array([True, False]))
np.save(d + '/scalar.npy', np.float64(2.5))" "$dir" ;;
    descriptor) printf '\x05\x40\x00\x00\x00\x00\x00\x00\x00' > "$dir/offset" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  seed_corpus "$t"
  mkdir -p "$work/corpus/$t"
  regressions=fuzz/regressions/$t
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== fuzz_$t: replaying $(ls "$regressions" | wc -l) past crashes"
    build-sanitize/fuzz/fuzz_"$t" "$regressions"/* >"$work/$t.replay.log" 2>&1 || { cat "$work/$t.replay.log"; exit 1; }
  fi
  echo "== fuzz_$t: ${seconds} s"
  if ! build-sanitize/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$work/crash-$t-" "$work/corpus/$t" "$work/seeds/$t" \
      >"$work/$t.log" 2>&1; then
    tail -60 "$work/$t.log"
    echo "fuzz_$t: crashed; the input is $work/crash-$t-*"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$work/$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
