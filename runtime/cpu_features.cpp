#include "runtime/cpu_features.h"

#include <cstring>
#include <string_view>

namespace nf::runtime {

namespace {

struct Feature {
  const char* name;  // LLVM's name, which is also GCC's and Clang's for __builtin_cpu_supports
  bool (*supported)();
};

#if defined(__x86_64__) || defined(__i386__)
// __builtin_cpu_supports also checks that the operating system saves the
// registers (AVX, AVX-512), which CPUID alone does not say.
#define NF_FEATURE(s) {s, [] { return __builtin_cpu_supports(s) != 0; }}
const Feature kFeatures[] = {
    NF_FEATURE("cmov"),       NF_FEATURE("mmx"),          NF_FEATURE("popcnt"),      NF_FEATURE("sse"),
    NF_FEATURE("sse2"),       NF_FEATURE("sse3"),         NF_FEATURE("ssse3"),       NF_FEATURE("sse4.1"),
    NF_FEATURE("sse4.2"),     NF_FEATURE("avx"),          NF_FEATURE("avx2"),        NF_FEATURE("fma"),
    NF_FEATURE("f16c"),       NF_FEATURE("bmi"),          NF_FEATURE("bmi2"),        NF_FEATURE("lzcnt"),
    NF_FEATURE("movbe"),      NF_FEATURE("aes"),          NF_FEATURE("pclmul"),      NF_FEATURE("avx512f"),
    NF_FEATURE("avx512vl"),   NF_FEATURE("avx512bw"),     NF_FEATURE("avx512dq"),    NF_FEATURE("avx512cd"),
    NF_FEATURE("avx512vnni"), NF_FEATURE("avx512bf16"),   NF_FEATURE("avx512fp16"),  NF_FEATURE("avx512vbmi"),
    NF_FEATURE("avx512vbmi2"), NF_FEATURE("avx512ifma"),  NF_FEATURE("avx512bitalg"), NF_FEATURE("avx512vpopcntdq"),
    NF_FEATURE("gfni"),       NF_FEATURE("vpclmulqdq"),   NF_FEATURE("vaes"),        NF_FEATURE("adx"),
    NF_FEATURE("rdrnd"),      NF_FEATURE("rdseed"),       NF_FEATURE("sha"),         NF_FEATURE("xsave"),
    NF_FEATURE("avxvnni"),
};
#undef NF_FEATURE
#endif

}  // namespace

std::vector<std::string> missing_cpu_features(const char* features) {
  std::vector<std::string> missing;
  if (!features) return missing;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  std::string_view rest(features);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (!item.starts_with('+')) continue;
    for (const Feature& f : kFeatures)
      if (item.substr(1) == f.name && !f.supported()) missing.emplace_back(f.name);
  }
#endif
  return missing;
}

}  // namespace nf::runtime
