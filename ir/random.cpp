// Counter-based random draws: Philox4x32-10 plus the uniform, normal and
// Bernoulli transforms. See ir/random.h and the "Random draws" section of
// docs/SEMANTICS.md; every operation here is part of the IR's bit-exact
// semantics, so the order of floating-point operations must not change.
#include "ir/random.h"

#include <cmath>
#include <cstddef>

#include "ir/math.h"

namespace nf::random {

namespace {

// Philox4x32 round multipliers (Salmon et al., SC'11; Random123's
// PHILOX_M4x32_0 and PHILOX_M4x32_1).
constexpr uint32_t kMul0 = 0xD2511F53u;
constexpr uint32_t kMul1 = 0xCD9E8D57u;

// Weyl-sequence increments added to the key between rounds (golden ratio and
// sqrt(3) - 1 in 0.32 fixed point; Random123's PHILOX_W32_0 and PHILOX_W32_1).
constexpr uint32_t kWeyl0 = 0x9E3779B9u;
constexpr uint32_t kWeyl1 = 0xBB67AE85u;

constexpr int kRounds = 10;

// 2^-24: scales a 24-bit integer into [0, 1). Every 24-bit integer times this
// is exactly representable in binary32, so the scaling never rounds.
constexpr float kTwoPowMinus24 = 0x1p-24f;

// 2*pi rounded to nearest binary32: 0x40C90FDB = 6.28318548202514648... .
constexpr float kTwoPi = 6.28318548f;
static_assert(kTwoPi == 0x1.921fb6p+2f, "2*pi must be the binary32 0x40C90FDB");

// FNV-1a 32-bit parameters.
constexpr uint32_t kFnvOffsetBasis = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

// High and low 32-bit halves of the full 64-bit product a*b.
struct HiLo {
    uint32_t hi;
    uint32_t lo;
};

HiLo mulhilo(uint32_t a, uint32_t b) {
    const uint64_t product = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
    return {static_cast<uint32_t>(product >> 32), static_cast<uint32_t>(product)};
}

// One Philox4x32 S-box round: two 32x32->64 multiplies, the high halves mixed
// with the other two words and the round key, words permuted.
Block round(const Block& x, const Key& key) {
    const HiLo p0 = mulhilo(kMul0, x[0]);
    const HiLo p1 = mulhilo(kMul1, x[2]);
    return {p1.hi ^ x[1] ^ key[0], p1.lo, p0.hi ^ x[3] ^ key[1], p0.lo};
}

// The Philox key of a seed: low 32 bits first, then high 32 bits.
Key seed_key(uint64_t seed) {
    return {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
}

// The 24 most significant bits of a word, as a binary32 in [0, 1) with
// spacing 2^-24. Both the conversion and the scaling are exact.
float unit_open_above(uint32_t word) {
    return static_cast<float>(word >> 8) * kTwoPowMinus24;
}

// Like unit_open_above but shifted up one step: a binary32 in (0, 1]. The
// integer (word >> 8) + 1 is at most 2^24, so it converts exactly.
float unit_open_below(uint32_t word) {
    return static_cast<float>((word >> 8) + 1u) * kTwoPowMinus24;
}

}  // namespace

Block philox4x32_10(Block counter, Key key) {
    // Random123 order: round with the unmodified key, then (bump key, round)
    // nine more times.
    counter = round(counter, key);
    for (int r = 1; r < kRounds; ++r) {
        key[0] += kWeyl0;
        key[1] += kWeyl1;
        counter = round(counter, key);
    }
    return counter;
}

uint32_t stream_id(std::string_view name) {
    uint32_t hash = kFnvOffsetBasis;
    for (const char c : name) {
        hash ^= static_cast<uint32_t>(static_cast<unsigned char>(c));
        hash *= kFnvPrime;
    }
    return hash;
}

float uniform(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index) {
    // Four uniform elements per Philox block.
    const Block block = philox4x32_10({index / 4u, counter, stream, 0u}, seed_key(seed));
    return unit_open_above(block[index % 4u]);
}

// Philox rounds over kLanes independent counters at once, lane by lane in
// each step, so that the compiler can keep the lanes in vector registers.
void uniform_blocks(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t first, uint32_t count, float* out) {
    constexpr uint32_t kLanes = 16;
    const Key start = seed_key(seed);
    for (uint32_t base = 0; base < count; base += kLanes) {
        uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
        for (uint32_t l = 0; l < kLanes; ++l) {
            c0[l] = first + base + l;
            c1[l] = counter;
            c2[l] = stream;
            c3[l] = 0u;
        }
        Key key = start;
        for (int r = 0; r < kRounds; ++r) {
            if (r > 0) {
                key[0] += kWeyl0;
                key[1] += kWeyl1;
            }
            for (uint32_t l = 0; l < kLanes; ++l) {
                const uint64_t p0 = static_cast<uint64_t>(kMul0) * c0[l];
                const uint64_t p1 = static_cast<uint64_t>(kMul1) * c2[l];
                c0[l] = static_cast<uint32_t>(p1 >> 32) ^ c1[l] ^ key[0];
                c1[l] = static_cast<uint32_t>(p1);
                c2[l] = static_cast<uint32_t>(p0 >> 32) ^ c3[l] ^ key[1];
                c3[l] = static_cast<uint32_t>(p0);
            }
        }
        const uint32_t n = count - base < kLanes ? count - base : kLanes;
        for (uint32_t l = 0; l < n; ++l) {
            float* o = out + 4 * static_cast<size_t>(base + l);
            o[0] = unit_open_above(c0[l]);
            o[1] = unit_open_above(c1[l]);
            o[2] = unit_open_above(c2[l]);
            o[3] = unit_open_above(c3[l]);
        }
    }
}

float normal(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index) {
    // Two normal elements per Philox block, each from one pair of words.
    const Block block = philox4x32_10({index / 2u, counter, stream, 0u}, seed_key(seed));
    const std::size_t first = 2u * (index % 2u);
    const float u1 = unit_open_below(block[first]);      // (0, 1]: log(u1) is finite
    const float u2 = unit_open_above(block[first + 1]);  // [0, 1)
    // Box-Muller, cosine branch; each step rounds to binary32 in this order.
    const float log_u1 = nf::math::log(u1);
    const float radius_sq = -2.0f * log_u1;
    const float radius = std::sqrt(radius_sq);
    const float angle = kTwoPi * u2;
    const float c = nf::math::cos(angle);
    return radius * c;
}

bool bernoulli(float p, uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index) {
    // Strict comparison: p <= 0 or NaN never, p >= 1 always (uniform < 1).
    return uniform(seed, stream, counter, index) < p;
}

}  // namespace nf::random
