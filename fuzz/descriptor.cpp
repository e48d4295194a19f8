// libFuzzer harness: module descriptor validation. A valid descriptor (from
// a small compiled model without processes that run at creation) is changed
// field by field as the input says: sizes, offsets, alignment, counts,
// shapes, dtypes, kinds, alias terms. nf_module_adopt must refuse every
// descriptor whose regions leave the state block or overlap, or whose aliases
// read what is not there; one it accepts must serve a state that is created,
// written and read by name (aliases too), saved and loaded, without any
// access outside the block (AddressSanitizer checks).
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/jit.h"
#include "frontend/frontend.h"

namespace {

nf_module* original = nullptr;
std::string path;

const char* kModel = R"(
component Cell {
  param n: int
  param leak = 0.5
  input j[1, n] = 0
  state v[1, n] = 0
  state count: i32 = 0
  output s[1, n] = 0
  def step() {
    v = v * leak + 1 + j
    s = v > 1.5
    count = count + 1
  }
}
model m {
  a = Cell(n=3)
  b = Cell(n=5)
  c = Cell(n=3)
  sum(a.v, product(a.s, a.v)) >> c.j
  process step = a.step >> b.step >> c.step
}
)";

// Reads the input as a sequence of (selector, value) pairs.
struct Reader {
  const uint8_t* data;
  size_t size;
  bool next(uint8_t& selector, int64_t& value) {
    if (size < 9) return false;
    selector = data[0];
    std::memcpy(&value, data + 1, 8);
    data += 9;
    size -= 9;
    return true;
  }
};

// An int32 count or rank of at most `most`: the arrays behind the descriptor
// are the harness's, and a count beyond them would be the harness lying.
int32_t clamp32(int64_t v, int64_t most) { return int32_t(std::clamp<int64_t>(v, INT32_MIN, most)); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nf::compiler::BuildOptions options;
  options.use_cache = false;
  original = nf::compiler::jit_module(nf::frontend::compile_model_text(kModel, "m"), options);
  if (!original) std::abort();
  path = "/tmp/nf_fuzz_descriptor." + std::to_string(::getpid()) + ".npz";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nf_module_info& good = *nf_module_get_info(original);
  nf_module_info info = good;
  std::vector<nf_compartment_info> comps(good.compartments, good.compartments + good.n_compartments);
  std::vector<std::vector<int64_t>> shapes(comps.size(), std::vector<int64_t>(8, 1));
  for (size_t i = 0; i < comps.size(); ++i) {
    std::copy(comps[i].shape, comps[i].shape + comps[i].rank, shapes[i].begin());
    comps[i].shape = shapes[i].data();
  }
  std::vector<nf_param_info> params(good.params, good.params + good.n_params);
  std::vector<nf_alias_info> aliases(good.aliases, good.aliases + good.n_aliases);
  std::vector<std::vector<int32_t>> terms(aliases.size(), std::vector<int32_t>(8, 0));
  for (size_t i = 0; i < aliases.size(); ++i) {
    std::copy(aliases[i].terms, aliases[i].terms + aliases[i].n_terms, terms[i].begin());
    aliases[i].terms = terms[i].data();
  }
  info.compartments = comps.data();
  info.params = params.data();
  info.aliases = aliases.data();
  Reader in{data, size};
  uint8_t selector;
  int64_t v;
  while (in.next(selector, v)) {
    const size_t k = comps.empty() ? 0 : (selector >> 4) % comps.size();
    nf_compartment_info* c = comps.empty() ? nullptr : &comps[k];
    switch (selector & 15) {
      case 0: info.state_size = v; break;
      case 1: info.alignment = v; break;
      case 2: info.seed_offset = v; break;
      case 3: info.hooks_offset = v; break;
      case 4: info.n_compartments = clamp32(v, int64_t(comps.size())); break;
      case 5: if (c) c->offset = v; break;
      case 6: if (c) c->bytes = v; break;
      case 7: if (c) c->form_offset = v; break;
      case 8: if (c) c->dtype = int32_t(v); break;
      case 9: if (c) c->rank = clamp32(v, 8); break;
      case 10: if (c) shapes[k][size_t(uint64_t(v) % 8)] = v >> 3; break;
      case 11: if (c) c->kept = int32_t(v); break;
      case 12: if (c) c->init_bits = uint32_t(v); break;
      case 13: if (!params.empty()) params[size_t(uint64_t(v) % params.size())].offset = v >> 8; break;
      case 14: info.n_params = clamp32(v, int64_t(params.size())); break;
      case 15:  // an alias's term (v's low bits say which) or its term count
        if (!aliases.empty()) {
          nf_alias_info& a = aliases[size_t(uint64_t(v) % aliases.size())];
          if ((v >> 8) & 1) a.n_terms = clamp32(v >> 9, 8);
          else terms[size_t(&a - aliases.data())][size_t(uint64_t(v >> 9) % 8)] = int32_t(v >> 12);
        }
        break;
    }
  }
  nf_module* module = nullptr;
  if (nf_module_adopt(&info, nullptr, nullptr, &module) != NF_OK) return 0;
  nf_state* state = nullptr;
  if (info.state_size <= (int64_t(1) << 26) &&  // larger states are legal, only too big for the harness
      nf_state_create(module, 1, &state) == NF_OK) {
    for (int32_t i = 0; i < info.n_compartments; ++i) {
      const nf_compartment_info& c = info.compartments[i];
      if (c.bytes > (int64_t(1) << 26)) continue;  // the harness's memory, not a defect
      std::vector<uint8_t> words(size_t(c.bytes), 0);
      if (nf_state_read(state, c.name, c.dtype, words.data(), c.bytes / 4) == NF_OK)
        (void)nf_state_write(state, c.name, c.dtype, words.data(), c.bytes / 4);
    }
    for (int32_t i = 0; i < info.n_aliases; ++i) {
      const nf_compartment_info* c = nullptr;
      if (nf_module_find_compartment(module, info.aliases[i].name, &c) != NF_OK || c->bytes > (int64_t(1) << 26)) continue;
      std::vector<uint8_t> words(size_t(c->bytes), 0);
      (void)nf_state_read(state, info.aliases[i].name, c->dtype, words.data(), c->bytes / 4);
    }
    if (nf_state_save(state, path.c_str(), nullptr, 0) == NF_OK) (void)nf_state_load(state, path.c_str());
    nf_state_destroy(state);
  }
  nf_module_close(module);
  return 0;
}
