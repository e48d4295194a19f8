#!/usr/bin/env bash
# An installed neurofuse serves an outside project. Installs BINARY_DIR into a
# fresh prefix, checks what the prefix holds, then, with nothing from the
# source or build tree but the example's files:
#   1. configures tests/install/ as a separate CMake project with
#      find_package(neurofuse CONFIG REQUIRED COMPONENTS compiler): the
#      installed tool compiles examples/embed_c/model.nf, main.c links
#      neurofuse::runtime and runs it, and a C++ program compiles the model in
#      process through neurofuse::compiler and matches the tool's module;
#   2. configures it again for the runtime alone, with LLVM hidden from
#      find_package, as on a machine without LLVM's development files;
#   3. builds main.c with `cc $(pkg-config --cflags --libs neurofuse)` and
#      runs it.
# The prefix is removed at the end. Exit status 0: all of it worked.
#
# usage: install_test.sh SOURCE_DIR BINARY_DIR [GENERATOR]
# Environment: CC and CXX, the build's compilers; NEUROFUSE_SANITIZE, its
# -fsanitize= checks if any (a sanitized runtime links only into programs
# built with the same checks).
set -euo pipefail
source_dir=$(cd "$1" && pwd)
binary_dir=$(cd "$2" && pwd)
generator=${3:-Ninja}
example=$source_dir/examples/embed_c

tmp=$(mktemp -d "${TMPDIR:-/tmp}/neurofuse-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
export NEUROFUSE_CACHE_DIR=$tmp/cache  # the installed tool compiles afresh

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
quietly() {  # runs a command, showing its output only when it fails
  "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; fail "$*"; }
}

sanitize=()
if [ -n "${NEUROFUSE_SANITIZE:-}" ]; then
  sanitize=("-fsanitize=$NEUROFUSE_SANITIZE" -fno-sanitize=vptr)
fi

echo "== cmake --install $binary_dir --prefix $prefix"
quietly cmake --install "$binary_dir" --prefix "$prefix"

runtime_lib=$(find "$prefix" -name libneurofuse_runtime.so -type f)
[ -n "$runtime_lib" ] || fail "no libneurofuse_runtime.so under $prefix"
libdir=$(dirname "$runtime_lib")  # the libdir GNUInstallDirs chose
for f in bin/neurofuse include/neurofuse/runtime.h include/neurofuse/runtime.hpp include/neurofuse/module.h \
         include/neurofuse/compiler/jit.h include/neurofuse/frontend/frontend.h \
         share/neurofuse/stdlib/LIFCell.nf "${libdir#"$prefix"/}/pkgconfig/neurofuse.pc" \
         "${libdir#"$prefix"/}/cmake/neurofuse/neurofuseConfig.cmake" \
         "${libdir#"$prefix"/}/cmake/neurofuse/neurofuseConfigVersion.cmake" \
         "${libdir#"$prefix"/}/libneurofuse_compiler.a"; do
  [ -e "$prefix/$f" ] || fail "the installed tree lacks $f"
done
echo "ok: the installed tree holds the tool, the runtime, headers, the stdlib, the CMake package and neurofuse.pc"

# The tool finds the installed runtime through $ORIGIN, not the build tree;
# the runtime needs no LLVM.
runpath=$(readelf -d "$prefix/bin/neurofuse" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
case ":$runpath:" in
  *":\$ORIGIN/../${libdir#"$prefix"/}:"*) ;;
  *) fail "bin/neurofuse has RUNPATH '$runpath', without \$ORIGIN/../${libdir#"$prefix"/}" ;;
esac
case "$runpath" in *"$binary_dir"*) fail "bin/neurofuse's RUNPATH names the build tree: $runpath" ;; esac
loaded=$(ldd "$prefix/bin/neurofuse" | sed -n 's/.*libneurofuse_runtime.so => \(.*\) (0x.*/\1/p')
[ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$runtime_lib")" ] ||
  fail "bin/neurofuse loads libneurofuse_runtime.so from '$loaded', not $libdir"
if readelf -d "$runtime_lib" | grep -q 'NEEDED.*LLVM'; then fail "libneurofuse_runtime.so links LLVM"; fi
echo "ok: bin/neurofuse loads the runtime from \$ORIGIN/../${libdir#"$prefix"/}; the runtime links no LLVM"

cmake_flags=(-G "$generator" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release)
if [ ${#sanitize[@]} -gt 0 ]; then
  cmake_flags+=("-DCMAKE_C_FLAGS=${sanitize[*]}" "-DCMAKE_CXX_FLAGS=${sanitize[*]}"
                "-DCMAKE_EXE_LINKER_FLAGS=${sanitize[*]}")
fi

echo "== an outside project: find_package(neurofuse CONFIG REQUIRED COMPONENTS compiler)"
outside=$tmp/outside
quietly cmake -S "$source_dir/tests/install" -B "$outside" "${cmake_flags[@]}"
quietly cmake --build "$outside"
(cd "$tmp" && "$outside/embed_c" "$outside/closed_loop.so") || fail "embed_c (CMake, neurofuse::runtime)"
"$outside/compile_in_process" "$example/model.nf" "$outside/closed_loop.so" || fail "compile_in_process"
echo "ok: embed_c runs; neurofuse::compiler compiles the model to the same bits as the installed tool"

echo "== the same project for the runtime alone, LLVM hidden from find_package"
runtime_only=$tmp/outside-runtime
quietly cmake -S "$source_dir/tests/install" -B "$runtime_only" "${cmake_flags[@]}" \
  -DNEUROFUSE_RUNTIME_ONLY=ON -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON
quietly cmake --build "$runtime_only"
(cd "$tmp" && "$runtime_only/embed_c" "$runtime_only/closed_loop.so") || fail "embed_c (CMake, runtime alone)"
echo "ok: neurofuse::runtime and neurofuse::cli serve without LLVM"

echo "== cc \$(pkg-config --cflags --libs neurofuse)"
export PKG_CONFIG_PATH=$libdir/pkgconfig
pc_flags=$(pkg-config --cflags --libs neurofuse)
case "$pc_flags" in
  *"-I$prefix/include"*"-lneurofuse_runtime"*) ;;
  *) fail "pkg-config --cflags --libs neurofuse gives '$pc_flags'" ;;
esac
# shellcheck disable=SC2086  # pkg-config's output is a list of words
"${CC:-cc}" "${sanitize[@]}" "$example/main.c" $pc_flags -lm -Wl,-rpath,"$libdir" -o "$tmp/embed_pkgconfig" ||
  fail "compiling main.c with pkg-config's flags"
(cd "$tmp" && ./embed_pkgconfig "$outside/closed_loop.so") || fail "embed_c (pkg-config)"
echo "ok: main.c built with '$pc_flags' runs"
