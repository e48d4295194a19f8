// Counter-based random numbers: Philox4x32-10 and the transforms that turn its
// output into uniform, normal and Bernoulli draws.
//
// A draw is a pure function of (seed, stream, counter, element index): no hidden
// state, so any backend, thread or vector lane computes the same bits.
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (block, step counter, stream id, 0)
// where `stream id` is fnv1a32 of the stream's name and `block` is derived from
// the element index as documented on each draw below.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nf::random {

using Block = std::array<uint32_t, 4>;
using Key = std::array<uint32_t, 2>;

// Philox4x32 with 10 rounds (Salmon et al., SC'11), as in Random123.
Block philox4x32_10(Block counter, Key key);

// 32-bit FNV-1a of a stream name: the stream id.
uint32_t stream_id(std::string_view name);

// Element `index` of a uniform draw in [0, 1): word index%4 of block index/4,
// top 24 bits scaled by 2^-24 (exact in binary32).
float uniform(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index);

// Elements 4 * first .. 4 * (first + count) - 1 of a uniform draw (the
// values uniform() gives), into out[0 .. 4 * count): many Philox blocks at a
// time.
void uniform_blocks(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t first, uint32_t count, float* out);

// Element `index` of a standard normal draw: Box-Muller on words (2*(index%2),
// 2*(index%2)+1) of block index/2: u1 in (0,1], u2 in [0,1),
// z = sqrt(-2*log(u1)) * cos(2*pi*u2), with nf::math's log and cos.
float normal(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index);

// Element `index` of a Bernoulli draw: uniform(...) < p.
bool bernoulli(float p, uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index);

}  // namespace nf::random
