// Tests for ir/random: Philox4x32-10 known-answer vectors, the FNV-1a stream
// id, the exact layout of the uniform/normal/Bernoulli draws and statistical
// sanity of fixed samples. Every input is fixed, so every assertion is
// deterministic: a statistical check can only fail if the generator changes.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ir/math.h"
#include "ir/random.h"

namespace {

using nf::random::Block;
using nf::random::Key;

struct KatVector {
    Block counter;
    Key key;
    Block expected;
};

// Every "philox4x32 10" known-answer vector published with Random123
// (https://github.com/DEShawResearch/random123, commit 9545ff6413f2):
// the first three rows are tests/kat_vectors lines 27-29 (zero counter and key,
// all-ones, and counter/key = the hex digits of pi), the remaining 52 rows are
// the philox4x32 10 lines of tests/old_kat_vectors. Columns: counter[4],
// key[2], expected output[4].
const KatVector kKatVectors[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    {{0x00000001, 0x00000000, 0x00000000, 0x00000000}, {0x00000001, 0x00000000}, {0xac08141b, 0xdfc5ccbe, 0x79c07a47, 0xa7f66093}},
    {{0x00000000, 0x00000001, 0x00000000, 0x00000000}, {0x00000001, 0x00000000}, {0x833ff8dc, 0x225c963c, 0x232b88b3, 0x0b334b07}},
    {{0x00000000, 0x00000000, 0x00000001, 0x00000000}, {0x00000001, 0x00000000}, {0x07071c12, 0x428264b6, 0x3909104b, 0x6da2bda2}},
    {{0x00000000, 0x00000000, 0x00000000, 0x00000001}, {0x00000001, 0x00000000}, {0x127bee41, 0x1e047488, 0x48842b20, 0x0a393496}},
    {{0x00000000, 0xffffffff, 0x00000000, 0x00000000}, {0x00000001, 0x00000000}, {0x04e2eae1, 0x463cc999, 0xe7786310, 0x65b3dc49}},
    {{0x00000000, 0x80000000, 0x00000000, 0x00000000}, {0x00000001, 0x00000000}, {0x34a4d61d, 0x340e4017, 0xf6945830, 0xe9f52b96}},
    {{0x00000000, 0x00000000, 0xffffffff, 0x00000000}, {0x00000001, 0x00000000}, {0xfb0905e2, 0x78378790, 0xca37926b, 0xcdf58cfa}},
    {{0x00000000, 0x00000000, 0x80000000, 0x00000000}, {0x00000001, 0x00000000}, {0xf2e15c7d, 0x3fedcd99, 0x90046f6c, 0x6657f0ca}},
    {{0x00000000, 0x00000000, 0x00000000, 0xffffffff}, {0x00000001, 0x00000000}, {0xf50c9398, 0xb36cdab2, 0x436bdc89, 0xcc49431b}},
    {{0x00000000, 0x00000000, 0x00000000, 0x80000000}, {0x00000001, 0x00000000}, {0xdde26e4e, 0x17666f3b, 0xfc1f5b3a, 0x83ac805d}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000001, 0x00000000}, {0x38527b8f, 0xfad9a48c, 0x20e675c0, 0xf2fea26a}},
    {{0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89}, {0x00000001, 0x00000000}, {0xfb9877f8, 0x482895e2, 0x60b01453, 0x198ea67b}},
    {{0x452821e6, 0x38d01377, 0xbe5466cf, 0x34e90c6c}, {0x00000001, 0x00000000}, {0xf7b7fa0a, 0x8d970e2c, 0x205c9c76, 0x83b16ce5}},
    {{0x00000001, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000001}, {0xccf3076a, 0x6306f434, 0xbea71965, 0xd96fe48a}},
    {{0x00000000, 0x00000001, 0x00000000, 0x00000000}, {0x00000000, 0x00000001}, {0x532f1322, 0x36c890fb, 0x6504b937, 0x07bbfef7}},
    {{0x00000000, 0x00000000, 0x00000001, 0x00000000}, {0x00000000, 0x00000001}, {0x7f6c13ff, 0x114b2447, 0x0550eced, 0xea1fc805}},
    {{0x00000000, 0x00000000, 0x00000000, 0x00000001}, {0x00000000, 0x00000001}, {0x96b27e8c, 0x28826d0f, 0x66d958ef, 0x081509dc}},
    {{0x00000000, 0xffffffff, 0x00000000, 0x00000000}, {0x00000000, 0x00000001}, {0x00e94a67, 0x3524f44e, 0x22995230, 0xbb54df1e}},
    {{0x00000000, 0x80000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000001}, {0xce1afc4e, 0x4fbf97a1, 0x6110bee9, 0xa559be2f}},
    {{0x00000000, 0x00000000, 0xffffffff, 0x00000000}, {0x00000000, 0x00000001}, {0x576241af, 0xd3b45bee, 0x619bd94d, 0x15dd8793}},
    {{0x00000000, 0x00000000, 0x80000000, 0x00000000}, {0x00000000, 0x00000001}, {0xd9da65af, 0xeced57ba, 0xc34d2661, 0x91fe931f}},
    {{0x00000000, 0x00000000, 0x00000000, 0xffffffff}, {0x00000000, 0x00000001}, {0x36241728, 0x4d42c858, 0xfea737d6, 0x49f40347}},
    {{0x00000000, 0x00000000, 0x00000000, 0x80000000}, {0x00000000, 0x00000001}, {0x0436a39b, 0x31be9efa, 0x6abd0c76, 0xe7a68f83}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000000, 0x00000001}, {0x126514c3, 0xd1898b69, 0xda2707b3, 0x6e6fb436}},
    {{0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89}, {0x00000000, 0x00000001}, {0x1c28fa3f, 0x8c5bf977, 0xbb989783, 0x0c1a3737}},
    {{0x452821e6, 0x38d01377, 0xbe5466cf, 0x34e90c6c}, {0x00000000, 0x00000001}, {0xac87a8c1, 0xf240abdb, 0xadd6c012, 0x68a32a78}},
    {{0x00000001, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0xffffffff}, {0x473ab778, 0x330bacc0, 0xacd5fc9a, 0x5ede76b3}},
    {{0x00000000, 0x00000001, 0x00000000, 0x00000000}, {0x00000000, 0xffffffff}, {0xcdfbd51c, 0xcaae5f2e, 0x10739cfc, 0x79e95162}},
    {{0x00000000, 0x00000000, 0x00000001, 0x00000000}, {0x00000000, 0xffffffff}, {0x6c4b0e80, 0x357e5a94, 0x3255445d, 0x6f433f0b}},
    {{0x00000000, 0x00000000, 0x00000000, 0x00000001}, {0x00000000, 0xffffffff}, {0x5c4ecd0c, 0x64c12cf9, 0x8f9fb4c8, 0x40c4a01f}},
    {{0x00000000, 0xffffffff, 0x00000000, 0x00000000}, {0x00000000, 0xffffffff}, {0x5f9c47aa, 0x19861d86, 0xff2be81d, 0x4c7db17e}},
    {{0x00000000, 0x80000000, 0x00000000, 0x00000000}, {0x00000000, 0xffffffff}, {0x715a87cf, 0xf966a7f0, 0x3e6dd95f, 0xe884e2fd}},
    {{0x00000000, 0x00000000, 0xffffffff, 0x00000000}, {0x00000000, 0xffffffff}, {0x07678411, 0x9e524307, 0xba634e67, 0x94ee8cb7}},
    {{0x00000000, 0x00000000, 0x80000000, 0x00000000}, {0x00000000, 0xffffffff}, {0xb6f48e28, 0xf2fa9414, 0x00b64f66, 0x4810cdb4}},
    {{0x00000000, 0x00000000, 0x00000000, 0xffffffff}, {0x00000000, 0xffffffff}, {0x9f18bb20, 0x62161056, 0x7ea8c028, 0x4c01fc6e}},
    {{0x00000000, 0x00000000, 0x00000000, 0x80000000}, {0x00000000, 0xffffffff}, {0x2a460458, 0x0a2709e5, 0x47bc9115, 0x0f96d8af}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000000, 0xffffffff}, {0x08f7720c, 0x845ee9e0, 0x502ccd3d, 0xa9a00e27}},
    {{0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89}, {0x00000000, 0xffffffff}, {0x9fcce05d, 0x837d3f3c, 0x5cdf3e61, 0xdb2544c0}},
    {{0x452821e6, 0x38d01377, 0xbe5466cf, 0x34e90c6c}, {0x00000000, 0xffffffff}, {0x72ce44b3, 0xb44f9b78, 0x49af0267, 0x726813ac}},
    {{0x00000001, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x80000000}, {0xe29b9f84, 0x2903d316, 0x42a1f56f, 0x1ad02eab}},
    {{0x00000000, 0x00000001, 0x00000000, 0x00000000}, {0x00000000, 0x80000000}, {0x94f419f8, 0x1116c316, 0x99f2fa30, 0xbc048ad6}},
    {{0x00000000, 0x00000000, 0x00000001, 0x00000000}, {0x00000000, 0x80000000}, {0x488b0258, 0x9eea6420, 0xafe7062e, 0x768f5637}},
    {{0x00000000, 0x00000000, 0x00000000, 0x00000001}, {0x00000000, 0x80000000}, {0xdbec6d70, 0x69cea528, 0xf7e22262, 0x2e9f3e8f}},
    {{0x00000000, 0xffffffff, 0x00000000, 0x00000000}, {0x00000000, 0x80000000}, {0x905ee550, 0xc7520e9a, 0x9af9d0ad, 0x69b97e98}},
    {{0x00000000, 0x80000000, 0x00000000, 0x00000000}, {0x00000000, 0x80000000}, {0x1b89d963, 0x0defe9af, 0x60c9d3fb, 0x3cfae97d}},
    {{0x00000000, 0x00000000, 0xffffffff, 0x00000000}, {0x00000000, 0x80000000}, {0x601b5460, 0xfe29678b, 0x54510a02, 0xc72ed094}},
    {{0x00000000, 0x00000000, 0x80000000, 0x00000000}, {0x00000000, 0x80000000}, {0xae56ca02, 0x7609ba67, 0x25abd7df, 0x46ce39a3}},
    {{0x00000000, 0x00000000, 0x00000000, 0xffffffff}, {0x00000000, 0x80000000}, {0x09812238, 0x47b8470d, 0x3e0d0a26, 0x92d96c9a}},
    {{0x00000000, 0x00000000, 0x00000000, 0x80000000}, {0x00000000, 0x80000000}, {0xf7a0b371, 0xe51dc93d, 0x56ce135d, 0x1d4b5580}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000000, 0x80000000}, {0x63675d2c, 0x422d7c4d, 0x3145d30d, 0x3bce33a4}},
    {{0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89}, {0x00000000, 0x80000000}, {0xaa74e81c, 0xc9ddb97b, 0x2c2cd881, 0x9390c78d}},
    {{0x452821e6, 0x38d01377, 0xbe5466cf, 0x34e90c6c}, {0x00000000, 0x80000000}, {0x94ca5566, 0x14924b2f, 0x28214292, 0x59faeaee}},
};

// The binary32 bit pattern of a float, to compare draws bit for bit.
uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

// Mean and (population) variance of a sample, accumulated in binary64.
struct Moments {
    double mean;
    double variance;
};

Moments moments(const std::vector<float>& xs) {
    double sum = 0.0;
    for (const float x : xs) sum += x;
    const double mean = sum / static_cast<double>(xs.size());
    double sq = 0.0;
    for (const float x : xs) sq += (x - mean) * (x - mean);
    return {mean, sq / static_cast<double>(xs.size())};
}

// Pearson correlation of two equally long samples.
double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    const Moments ma = moments(a);
    const Moments mb = moments(b);
    double cov = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) cov += (a[i] - ma.mean) * (b[i] - mb.mean);
    cov /= static_cast<double>(a.size());
    return cov / std::sqrt(ma.variance * mb.variance);
}

constexpr uint64_t kSeed = 0x0123456789ABCDEFull;

}  // namespace

TEST_CASE("philox4x32_10 matches the Random123 known-answer vectors", "[random]") {
    for (const KatVector& v : kKatVectors) {
        INFO("counter " << std::hex << v.counter[0] << ' ' << v.counter[1] << ' ' << v.counter[2]
                        << ' ' << v.counter[3] << " key " << v.key[0] << ' ' << v.key[1]);
        CHECK(nf::random::philox4x32_10(v.counter, v.key) == v.expected);
    }
}

TEST_CASE("stream_id is 32-bit FNV-1a", "[random]") {
    CHECK(nf::random::stream_id("") == 0x811C9DC5u);  // the offset basis itself
    CHECK(nf::random::stream_id("a") == 0xE40C292Cu);
    CHECK(nf::random::stream_id("foobar") == 0xBF9CF968u);
    // Bytes are hashed as unsigned: a byte >= 0x80 must not sign-extend.
    // ((0x811C9DC5 ^ 0xFF) * 16777619) mod 2^32:
    CHECK(nf::random::stream_id("\xff") == static_cast<uint32_t>((0x811C9DC5u ^ 0xFFu) * 16777619u));
    CHECK(nf::random::stream_id("noise") != nf::random::stream_id("noise2"));
}

TEST_CASE("uniform uses the documented key and counter layout", "[random]") {
    // Seed 0, stream 0, counter 0, elements 0..3 are block 0: the all-zero KAT.
    const Block zero_kat = kKatVectors[0].expected;
    for (uint32_t i = 0; i < 4; ++i) {
        CHECK(bits(nf::random::uniform(0, 0, 0, i)) ==
              bits(static_cast<float>(zero_kat[i] >> 8) * 0x1p-24f));
    }
    // A general point: key = (seed low, seed high), counter = (index/4, counter,
    // stream, 0), word index%4, top 24 bits scaled by 2^-24.
    const uint64_t seed = 0x299F31D0A4093822ull;
    const uint32_t stream = 0x13198A2Eu;
    const uint32_t counter = 0x85A308D3u;
    for (uint32_t index : {0x90FDAA20u, 0x90FDAA21u, 0x90FDAA22u, 0x90FDAA23u, 0xFFFFFFFFu, 5u}) {
        const Block block =
            nf::random::philox4x32_10({index / 4, counter, stream, 0}, {0xA4093822u, 0x299F31D0u});
        const float expected = static_cast<float>(block[index % 4] >> 8) / 16777216.0f;
        CHECK(bits(nf::random::uniform(seed, stream, counter, index)) == bits(expected));
    }
}

TEST_CASE("normal uses the documented layout and operation sequence", "[random]") {
    const uint64_t seed = 0xFEDCBA9876543210ull;
    const uint32_t stream = nf::random::stream_id("membrane_noise");
    for (uint32_t counter : {0u, 1u, 1000u, 0xFFFFFFFFu}) {
        for (uint32_t index : {0u, 1u, 2u, 3u, 77u, 0xFFFFFFFFu}) {
            const Block block = nf::random::philox4x32_10(
                {index / 2, counter, stream, 0},
                {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)});
            const uint32_t w1 = block[2 * (index % 2)];
            const uint32_t w2 = block[2 * (index % 2) + 1];
            const float u1 = static_cast<float>((w1 >> 8) + 1) * 0x1p-24f;
            const float u2 = static_cast<float>(w2 >> 8) * 0x1p-24f;
            const float l = nf::math::log(u1);
            const float r = std::sqrt(-2.0f * l);
            const float a = 0x1.921FB6p+2f * u2;  // 2*pi in binary32 (0x40C90FDB)
            const float c = nf::math::cos(a);
            const float expected = r * c;
            INFO("counter " << counter << " index " << index);
            CHECK(bits(nf::random::normal(seed, stream, counter, index)) == bits(expected));
            // Documented overlap: for i < 2^31, normal element i reads the words
            // of uniform elements 2i and 2i+1.
            if (index < 0x80000000u) {
                CHECK(bits(u1) ==
                      bits(nf::random::uniform(seed, stream, counter, 2 * index) + 0x1p-24f));
                CHECK(bits(u2) ==
                      bits(nf::random::uniform(seed, stream, counter, 2 * index + 1)));
            }
        }
    }
}

TEST_CASE("draws are deterministic and differ across every input", "[random]") {
    const uint32_t stream = nf::random::stream_id("x");
    // Same inputs, same bits.
    for (uint32_t i = 0; i < 1000; ++i) {
        CHECK(bits(nf::random::uniform(kSeed, stream, 3, i)) ==
              bits(nf::random::uniform(kSeed, stream, 3, i)));
        CHECK(bits(nf::random::normal(kSeed, stream, 3, i)) ==
              bits(nf::random::normal(kSeed, stream, 3, i)));
    }
    // Changing any single input changes the value (checked on fixed points;
    // a 24-bit collision is possible in principle but not at these inputs).
    const float base = nf::random::uniform(kSeed, stream, 3, 10);
    CHECK(bits(nf::random::uniform(kSeed, stream, 3, 11)) != bits(base));   // index, same block
    CHECK(bits(nf::random::uniform(kSeed, stream, 3, 14)) != bits(base));   // index, next block
    CHECK(bits(nf::random::uniform(kSeed, stream, 4, 10)) != bits(base));   // counter
    CHECK(bits(nf::random::uniform(kSeed, stream + 1, 3, 10)) != bits(base));  // stream
    CHECK(bits(nf::random::uniform(kSeed ^ 1, stream, 3, 10)) != bits(base));  // seed, low half
    CHECK(bits(nf::random::uniform(kSeed ^ (1ull << 32), stream, 3, 10)) != bits(base));  // high half
    const float nbase = nf::random::normal(kSeed, stream, 3, 10);
    CHECK(bits(nf::random::normal(kSeed, stream, 3, 11)) != bits(nbase));
    CHECK(bits(nf::random::normal(kSeed, stream, 4, 10)) != bits(nbase));
    CHECK(bits(nf::random::normal(kSeed, stream + 1, 3, 10)) != bits(nbase));
    CHECK(bits(nf::random::normal(kSeed ^ (1ull << 63), stream, 3, 10)) != bits(nbase));

    // No structure between neighbouring indices, counters, streams or seeds:
    // sample correlations over 100k points are all within 5 standard errors
    // (1/sqrt(n) = 0.00316) of zero.
    constexpr uint32_t n = 100000;
    std::vector<float> a(n), by_index(n), by_counter(n), by_stream(n), by_seed(n);
    const uint32_t other = nf::random::stream_id("y");
    for (uint32_t i = 0; i < n; ++i) {
        a[i] = nf::random::uniform(kSeed, stream, 7, 2 * i);
        by_index[i] = nf::random::uniform(kSeed, stream, 7, 2 * i + 1);
        by_counter[i] = nf::random::uniform(kSeed, stream, 8, 2 * i);
        by_stream[i] = nf::random::uniform(kSeed, other, 7, 2 * i);
        by_seed[i] = nf::random::uniform(kSeed + 1, stream, 7, 2 * i);
    }
    const double bound = 5.0 / std::sqrt(static_cast<double>(n));
    CHECK(std::abs(correlation(a, by_index)) < bound);
    CHECK(std::abs(correlation(a, by_counter)) < bound);
    CHECK(std::abs(correlation(a, by_stream)) < bound);
    CHECK(std::abs(correlation(a, by_seed)) < bound);
    std::size_t equal = 0;
    for (uint32_t i = 0; i < n; ++i) equal += (a[i] == by_counter[i]) + (a[i] == by_stream[i]);
    // Chance of equal 24-bit values is 2^-24 per pair: expect ~0.01 of 200k.
    CHECK(equal <= 2);
}

TEST_CASE("uniform draws are exact multiples of 2^-24 in [0, 1) with the right moments",
          "[random]") {
    constexpr uint32_t n = 1000000;
    constexpr int buckets = 100;
    const uint32_t stream = nf::random::stream_id("uniform_test");
    std::vector<float> xs(n);
    std::array<uint32_t, buckets> counts{};
    bool all_exact = true;
    for (uint32_t i = 0; i < n; ++i) {
        const float u = nf::random::uniform(kSeed, stream, 42, i);
        xs[i] = u;
        const float scaled = u * 16777216.0f;  // exact: back to the 24-bit integer
        all_exact = all_exact && u >= 0.0f && u < 1.0f && scaled == std::floor(scaled);
        ++counts[static_cast<std::size_t>(u * buckets)];
    }
    CHECK(all_exact);
    const Moments m = moments(xs);
    INFO("mean " << m.mean << " variance " << m.variance);
    // Standard errors for n = 1e6: mean sqrt(1/12/n) = 2.9e-4, variance
    // sqrt((1/80 - 1/144)/n) = 7.5e-5. Bounds are 5 standard errors.
    CHECK(std::abs(m.mean - 0.5) < 1.5e-3);
    CHECK(std::abs(m.variance - 1.0 / 12.0) < 3.8e-4);
    // Pearson chi-square over 100 equal buckets, 99 degrees of freedom: mean 99,
    // standard deviation sqrt(198) = 14.1; accept within 5 of them either side.
    const double expected = static_cast<double>(n) / buckets;
    double chi2 = 0.0;
    for (const uint32_t c : counts) chi2 += (c - expected) * (c - expected) / expected;
    INFO("chi-square " << chi2);
    CHECK(chi2 > 99.0 - 5.0 * 14.1);
    CHECK(chi2 < 99.0 + 5.0 * 14.1);

    // Along the step-counter axis (one element, successive steps) as well.
    constexpr uint32_t steps = 200000;
    std::vector<float> over_time(steps);
    for (uint32_t t = 0; t < steps; ++t) over_time[t] = nf::random::uniform(kSeed, stream, t, 5);
    const Moments mt = moments(over_time);
    INFO("over-time mean " << mt.mean << " variance " << mt.variance);
    CHECK(std::abs(mt.mean - 0.5) < 5.0 * std::sqrt(1.0 / 12.0 / steps));
    CHECK(std::abs(mt.variance - 1.0 / 12.0) < 5.0 * std::sqrt((1.0 / 80 - 1.0 / 144) / steps));
}

TEST_CASE("normal draws are finite, bounded and standard normal", "[random]") {
    constexpr uint32_t n = 400000;
    const uint32_t stream = nf::random::stream_id("normal_test");
    std::vector<float> zs(n);
    // |z| <= sqrt(-2 log(2^-24)) = 5.77 because u1 >= 2^-24; allow for rounding.
    bool all_bounded = true;
    uint32_t within1 = 0, within2 = 0, within3 = 0;
    double m3 = 0.0, m4 = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
        const float z = nf::random::normal(kSeed, stream, 9, i);
        zs[i] = z;
        all_bounded = all_bounded && std::isfinite(z) && std::abs(z) < 5.78f;
        within1 += std::abs(z) < 1.0f;
        within2 += std::abs(z) < 2.0f;
        within3 += std::abs(z) < 3.0f;
        m3 += static_cast<double>(z) * z * z;
        m4 += static_cast<double>(z) * z * z * z;
    }
    CHECK(all_bounded);
    const Moments m = moments(zs);
    const double dn = static_cast<double>(n);
    INFO("mean " << m.mean << " variance " << m.variance << " m3 " << m3 / dn << " m4 " << m4 / dn);
    // Standard errors for n = 4e5: mean 1/sqrt(n) = 1.6e-3, variance
    // sqrt(2/n) = 2.2e-3, third moment sqrt(15/n) = 6.1e-3, fourth moment
    // sqrt(96/n) = 1.5e-2. Bounds are 5 standard errors.
    CHECK(std::abs(m.mean) < 5.0 * std::sqrt(1.0 / dn));
    CHECK(std::abs(m.variance - 1.0) < 5.0 * std::sqrt(2.0 / dn));
    CHECK(std::abs(m3 / dn) < 5.0 * std::sqrt(15.0 / dn));
    CHECK(std::abs(m4 / dn - 3.0) < 5.0 * std::sqrt(96.0 / dn));
    // Probability mass within 1, 2 and 3 standard deviations (erf(k/sqrt 2)),
    // each within 5 binomial standard errors.
    const auto near = [&](uint32_t count, double p) {
        return std::abs(count / dn - p) < 5.0 * std::sqrt(p * (1.0 - p) / dn);
    };
    INFO("within 1/2/3: " << within1 / dn << ' ' << within2 / dn << ' ' << within3 / dn);
    CHECK(near(within1, std::erf(1.0 / std::sqrt(2.0))));
    CHECK(near(within2, std::erf(2.0 / std::sqrt(2.0))));
    CHECK(near(within3, std::erf(3.0 / std::sqrt(2.0))));
}

TEST_CASE("bernoulli is uniform < p", "[random]") {
    const uint32_t stream = nf::random::stream_id("spikes");
    constexpr uint32_t n = 1000000;
    uint32_t hits = 0;
    bool consistent = true;
    bool edges = true;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (uint32_t i = 0; i < n; ++i) {
        const bool b = nf::random::bernoulli(0.05f, kSeed, stream, 11, i);
        hits += b;
        consistent = consistent && b == (nf::random::uniform(kSeed, stream, 11, i) < 0.05f);
        if (i < 10000) {
            edges = edges && nf::random::bernoulli(1.0f, kSeed, stream, 11, i) &&
                    nf::random::bernoulli(2.0f, kSeed, stream, 11, i) &&
                    nf::random::bernoulli(inf, kSeed, stream, 11, i) &&
                    !nf::random::bernoulli(0.0f, kSeed, stream, 11, i) &&
                    !nf::random::bernoulli(-0.5f, kSeed, stream, 11, i) &&
                    !nf::random::bernoulli(-inf, kSeed, stream, 11, i) &&
                    !nf::random::bernoulli(nan, kSeed, stream, 11, i);
        }
    }
    CHECK(consistent);
    CHECK(edges);
    const double freq = hits / static_cast<double>(n);
    INFO("frequency " << freq);
    // Binomial standard error sqrt(0.05 * 0.95 / 1e6) = 2.18e-4; 5 of them.
    CHECK(std::abs(freq - 0.05) < 1.1e-3);
}

TEST_CASE("uniform_blocks gives uniform()'s elements, whole and partial lane groups", "[random]") {
  for (uint32_t count : {1u, 15u, 16u, 37u}) {
    std::vector<float> out(4 * count);
    nf::random::uniform_blocks(0x123456789abcdefull, 77u, 5u, 1000u, count, out.data());
    for (uint32_t i = 0; i < 4 * count; ++i)
      CHECK(std::bit_cast<uint32_t>(out[i]) ==
            std::bit_cast<uint32_t>(nf::random::uniform(0x123456789abcdefull, 77u, 5u, 4000u + i)));
  }
}
