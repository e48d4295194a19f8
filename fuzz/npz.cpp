// libFuzzer harness: .npy and .npz decoding. Any bytes either decode or raise
// nf::npz::Error; what decodes encodes to bytes that decode to the same
// arrays.
#include <cstdlib>

#include "runtime/npz.h"

namespace npz = nf::npz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  try {
    const npz::Array a = npz::decode_npy(bytes, "fuzz.npy");
    const npz::Array b = npz::decode_npy(npz::encode_npy(a), "again.npy");
    if (a.dtype != b.dtype || a.shape != b.shape || a.data != b.data) std::abort();
  } catch (const npz::Error&) {
  }
  try {
    const npz::Entries e = npz::decode_npz(bytes, "fuzz.npz", [](const std::string&, uint64_t npy_bytes) {
      if (npy_bytes > (uint64_t(1) << 24)) throw npz::Error("fuzz.npz: entry too large for the harness");
    });
    const npz::Entries again = npz::decode_npz(npz::encode_npz(e), "again.npz");
    if (again.size() != e.size()) std::abort();
    for (size_t i = 0; i < e.size(); ++i)
      if (again[i].first != e[i].first || again[i].second.data != e[i].second.data ||
          again[i].second.shape != e[i].second.shape || again[i].second.dtype != e[i].second.dtype)
        std::abort();
  } catch (const npz::Error&) {
  }
  return 0;
}
