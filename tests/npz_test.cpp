// Tests for runtime/npz: CRC-32, .npy bytes as the format defines them, round
// trips of every dtype and shape, every error message, atomic writes, and
// interoperability with numpy (a dependency).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/npz.h"
#include "temp_dir.h"

using nf::test::TempDir;

namespace {

namespace fs = std::filesystem;
using Catch::Contains;
using nf::npz::Array;
using nf::npz::DType;
using nf::npz::Entries;
using nf::npz::Error;
using Bytes = std::vector<uint8_t>;

const DType kAllDTypes[] = {DType::F32, DType::I32, DType::Bool, DType::U32, DType::F64, DType::I64, DType::U8, DType::U64};
const std::vector<std::vector<int64_t>> kShapes = {{}, {0}, {1}, {5}, {2, 3, 4}, {3, 0, 2}};

template <class T>
void append(Bytes& out, T value) {
  uint8_t b[sizeof(T)];
  std::memcpy(b, &value, sizeof(T));  // the hosts we test on are little-endian
  out.insert(out.end(), b, b + sizeof(T));
}

// Element i of each sample array; sample() in kNumpyScript computes the same.
Array sample(DType dtype, std::vector<int64_t> shape) {
  Array a{dtype, std::move(shape), {}};
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    switch (dtype) {
      case DType::F32: append(a.data, float(i) * 0.25f - 2.0f); break;
      case DType::I32: append(a.data, int32_t(3 - 7 * i)); break;
      case DType::Bool: append(a.data, uint8_t(i % 3 == 0)); break;
      case DType::U32: append(a.data, uint32_t(4000000000 - 12345 * i)); break;
      case DType::F64: append(a.data, double(i) / 8.0 - 1.0); break;
      case DType::I64: append(a.data, int64_t(5 - i * (int64_t(1) << 40))); break;
      case DType::U8: append(a.data, uint8_t(i * 11 % 256)); break;
      case DType::U64: append(a.data, uint64_t(9000000000000000000ull - 1000003ull * uint64_t(i))); break;
    }
  }
  return a;
}

// Every dtype in every shape, named "f4_0", "f4_1", ..., "u1_5".
Entries all_samples() {
  Entries out;
  for (DType d : kAllDTypes)
    for (size_t k = 0; k < kShapes.size(); ++k)
      out.emplace_back(std::string(nf::npz::dtype_descr(d).substr(1)) + "_" + std::to_string(k), sample(d, kShapes[k]));
  return out;
}

bool same(const Array& a, const Array& b) { return a.dtype == b.dtype && a.shape == b.shape && a.data == b.data; }

void check_same(const Entries& got, const Entries& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("entry " << want[i].first);
    CHECK(got[i].first == want[i].first);
    CHECK(same(got[i].second, want[i].second));
  }
}

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }
template <size_t N>
Bytes bytes_of(const char (&literal)[N]) {  // all N - 1 characters, NULs included
  return Bytes(literal, literal + N - 1);
}

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& p, const Bytes& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// A .npy file with a hand-written header (version major.0, no padding rules).
Bytes raw_npy(int major, std::string_view header, const Bytes& data) {
  Bytes out = bytes_of("\x93NUMPY");
  out.push_back(uint8_t(major));
  out.push_back(0);
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// Replaces every occurrence of `from` by `to` (same length) in `b`.
void patch(Bytes& b, std::string_view from, std::string_view to) {
  REQUIRE(from.size() == to.size());
  int found = 0;
  for (size_t i = 0; i + from.size() <= b.size(); ++i)
    if (std::memcmp(&b[i], from.data(), from.size()) == 0) std::memcpy(&b[i], to.data(), to.size()), ++found;
  REQUIRE(found > 0);
}

uint32_t get32(const Bytes& b, size_t at) {
  return uint32_t(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | uint32_t(b[at + 3]) << 24);
}
void set32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
}
// Offset of the central directory of an archive without ZIP64 records or comment.
size_t central(const Bytes& zip) { return get32(zip, zip.size() - 22 + 16); }

// numpy.savez_compressed(f, a=np.array([1, 2, -1], '<i4'), b=np.array(True)) by
// numpy 1.24: deflated entries whose local headers carry ZIP64 extra fields.
Bytes golden_compressed() {
  const char* hex =
      "504b030414000000080000002100e64f25c84d0000008c00000005001400612e6e7079010010008c000000000000004d"
      "000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9369a2aea3a09e965f54529498179f5f94920a"
      "12774bcc294e058a17672416a402f91ac63a9a3a0ab50a14002e460606062620fe0f0400504b03041400000008000000"
      "2100822df8d3430000008100000005001400622e6e707901001000810000000000000043000000000000009bec17ea1b"
      "10c9c850c650ad9e925a9c5ca46ea5a05e9364a8aea3a09e965f54529498179f5f94920a12774bcc294e058a17672416"
      "a402f91a9a3a0ab50a14012e4600504b0102140314000000080000002100e64f25c84d0000008c000000050000000000"
      "000000000000800100000000612e6e7079504b0102140314000000080000002100822df8d34300000081000000050000"
      "000000000000000000800184000000622e6e7079504b0506000000000200020066000000fe0000000000";
  Bytes out;
  for (const char* p = hex; *p; p += 2) out.push_back(uint8_t(std::stoi(std::string(p, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("CRC-32 is zip's and chains", "[npz]") {
  CHECK(nf::npz::crc32(bytes_of("123456789")) == 0xCBF43926u);
  CHECK(nf::npz::crc32({}) == 0u);
  Bytes data(100003);
  uint32_t x = 1;
  for (auto& b : data) b = uint8_t((x = x * 1664525u + 1013904223u) >> 24);
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(63), data.size()}) {
    const std::span<const uint8_t> s(data.data(), n);
    CHECK(nf::npz::crc32(s) == ::crc32(0, data.data(), uInt(n)));
    for (size_t cut : {size_t(0), n / 3, n})
      CHECK(nf::npz::crc32(s.subspan(cut), nf::npz::crc32(s.first(cut))) == nf::npz::crc32(s));
  }
}

TEST_CASE("encode_npy writes the bytes the .npy format defines", "[npz]") {
  // Version 1.0, header length 118 = 57 dict bytes + 20 spaces of room for
  // shape[0] to grow to 21 digits + 40 spaces padding + '\n', so that
  // 10 + 118 = 128 is a multiple of 64; then three little-endian int32.
  Bytes want = bytes_of("\x93NUMPY\x01\x00\x76\x00");
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";
  REQUIRE(header.size() == 57);
  header += std::string(20 + 40, ' ') + "\n";
  want.insert(want.end(), header.begin(), header.end());
  for (int32_t v : {1, 2, -1}) append(want, v);
  Array a{DType::I32, {3}, {}};
  for (int32_t v : {1, 2, -1}) append(a.data, v);
  CHECK(nf::npz::encode_npy(a) == want);

  // A scalar: no room for growth, 55 dict bytes + 62 spaces + '\n' = 118.
  want = bytes_of("\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
  want.insert(want.end(), 62, ' ');
  want.push_back('\n');
  append(want, 1.0f);
  Array s{DType::F32, {}, {}};
  append(s.data, 1.0f);
  CHECK(nf::npz::encode_npy(s) == want);
}

TEST_CASE("npy round trips every dtype and shape", "[npz]") {
  for (const auto& [name, a] : all_samples()) {
    INFO(name);
    const Bytes bytes = nf::npz::encode_npy(a);
    const size_t header_len = bytes[8] | bytes[9] << 8;
    CHECK((10 + header_len) % 64 == 0);
    CHECK(bytes.size() == 10 + header_len + a.data.size());
    CHECK(same(nf::npz::decode_npy(bytes, name), a));
  }
  // A header over 64 KiB (30000 axes) needs format 2.0 and its 4-byte length.
  const Array wide{DType::U8, std::vector<int64_t>(30000, 1), {42}};
  const Bytes v2 = nf::npz::encode_npy(wide);
  CHECK(v2[6] == 2);
  CHECK((12 + get32(v2, 8)) % 64 == 0);
  CHECK(same(nf::npz::decode_npy(v2, "wide"), wide));

  TempDir dir;
  const std::string path = (dir.path / "x.npy").string();
  const Array a = sample(DType::F64, {2, 3, 4});
  nf::npz::write_npy(path, a);
  CHECK(same(nf::npz::read_npy(path), a));
  CHECK(dir.names() == std::vector<std::string>{"x.npy"});
}

TEST_CASE("npz round trips, in order, with and without ZIP64 records", "[npz]") {
  const Entries entries = all_samples();
  check_same(nf::npz::decode_npz(nf::npz::encode_npz(entries), "a"), entries);
  const Bytes zip64 = nf::npz::encode_npz(entries, nf::npz::Zip64::Always);
  CHECK(get32(zip64, zip64.size() - 22 - 20) == 0x07064b50u);  // ZIP64 locator before the end record
  check_same(nf::npz::decode_npz(zip64, "a"), entries);
  CHECK(nf::npz::decode_npz(nf::npz::encode_npz({}), "empty").empty());
  const Entries odd = {{"z", sample(DType::U8, {2})},
                       {"dir/a", sample(DType::I32, {})},
                       {"\xc3\xa9t\xc3\xa9", sample(DType::Bool, {3})}};
  check_same(nf::npz::decode_npz(nf::npz::encode_npz(odd), "odd"), odd);

  TempDir dir;
  const std::string path = (dir.path / "x.npz").string();
  nf::npz::write_npz(path, entries);
  check_same(nf::npz::read_npz(path), entries);
  CHECK(read_bytes(path) == nf::npz::encode_npz(entries));  // same bytes streamed or in memory
  CHECK(dir.names() == std::vector<std::string>{"x.npz"});
}

TEST_CASE("npz with 65535 entries or more uses the ZIP64 end record", "[npz]") {
  Entries many;
  for (int i = 0; i < 65536; ++i) many.emplace_back("e" + std::to_string(i), sample(DType::U8, {}));
  const Bytes zip = nf::npz::encode_npz(many);
  CHECK(get32(zip, zip.size() - 22 - 20) == 0x07064b50u);
  const Entries back = nf::npz::decode_npz(zip, "many");
  REQUIRE(back.size() == many.size());
  CHECK(back.back().first == "e65535");
}

TEST_CASE("decode_npy reads every header spelling numpy may produce", "[npz]") {
  const Bytes data = {1, 0, 0, 0, 2, 0, 0, 0};
  const Array want{DType::I32, {2}, data};
  for (std::string_view h : {
           "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}",     // another key order, no comma
           "{\"descr\":\"<i4\",\"fortran_order\":False,\"shape\":(2,)}",  // double quotes, no spaces
           "{ 'descr' : '<i4' ,\t'fortran_order' : False , 'shape' : ( 2 , ) , }   \n",
           "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }\n",      // Python 2
           "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }     \n",  // old 16-byte alignment
       }) {
    INFO(h);
    CHECK(same(nf::npz::decode_npy(raw_npy(1, h, data), "x.npy"), want));
  }
  const std::string_view v1 = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n";
  CHECK(same(nf::npz::decode_npy(raw_npy(2, v1, data), "x.npy"), want));
  CHECK(same(nf::npz::decode_npy(raw_npy(3, v1, data), "x.npy"), want));
  const Array m =
      nf::npz::decode_npy(raw_npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2,)}", data), "x");
  CHECK(m.shape == std::vector<int64_t>{1, 2});
  const Array u = nf::npz::decode_npy(raw_npy(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (8,)}", data), "x");
  CHECK(u.dtype == DType::U8);
}

TEST_CASE("decode_npy reports every malformed file", "[npz]") {
  const Bytes i4x2 = {1, 0, 0, 0, 2, 0, 0, 0};
  auto header = [&](std::string_view h, const Bytes& data = {}) { return raw_npy(1, h, data); };
  auto err = [](const Bytes& b) {
    try {
      nf::npz::decode_npy(b, "x.npy");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err(bytes_of("hello world")) == "x.npy: not a .npy file (no \\x93NUMPY magic)");
  CHECK(err(bytes_of("\x93NUMPY\x01")) == "x.npy: truncated .npy file: it ends inside the format version");
  CHECK(err(bytes_of("\x93NUMPY\x04\x00\x00\x00")) ==
        "x.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
  CHECK(err(bytes_of("\x93NUMPY\x01\x00\x10")) == "x.npy: truncated .npy file: it ends inside the header length");
  CHECK(err(bytes_of("\x93NUMPY\x01\x00\xc8\x00{}")) ==
        "x.npy: truncated .npy header: the header is 200 bytes but only 2 follow");
  CHECK(err(header("{'descr': '<i4' 'shape': (2,)}")) ==
        "x.npy: malformed .npy header: expected '}' at offset 16 in \"{'descr': '<i4' 'shape': (2,)}\"");
  CHECK_THAT(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), } x")),
             Contains("expected the end of the header after '}'"));
  CHECK_THAT(err(header("{'descr': '<i4', 'fortran_order': Nope, 'shape': (2,)}")),
             Contains("expected a string, number, tuple, list, True, False or None"));
  CHECK_THAT(err(header("{'descr': '<i4}")), Contains("expected closing '"));
  CHECK_THAT(err(header("{'descr': 1" + std::string(10, '0') + std::string(10, '0') + "}")),
             Contains("expected an integer that fits in 64 bits"));
  // 2 * 10^19 wrapped uint64 to about 1.55 * 10^18 and passed as a wrong dimension.
  CHECK_THAT(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': (20000000000000000000,)}")),
             Contains("expected an integer that fits in 64 bits"));
  CHECK_THAT(err(header("{'shape': " + std::string(100, '(') + "}")), Contains("expected less nesting"));
  CHECK(err(header("{'descr': '<i4', 'fortran_order': False}")) == "x.npy: .npy header has no 'shape'");
  CHECK(err(header("{'descr': '<i4', 'descr': '<i4'}")) == "x.npy: duplicate key 'descr' in .npy header");
  CHECK(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'foo': 1}")) ==
        "x.npy: unexpected key 'foo' in .npy header");
  CHECK_THAT(err(header("{'descr': '<i4', 'fortran_order': True, 'shape': (2,)}")),
             Contains("x.npy: Fortran-order arrays are not supported"));
  CHECK(err(header("{'descr': '<i4', 'fortran_order': 0, 'shape': (2,)}")) ==
        "x.npy: fortran_order in .npy header is not True or False");
  CHECK(err(header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}")) ==
        "x.npy: unsupported dtype '>f4' (supported: <f4, <i4, |b1, <u4, <f8, <i8, |u1, <u8)");
  CHECK(err(header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}")) ==
        "x.npy: unsupported dtype: structured or non-string descr in .npy header");
  for (std::string_view shape : {"[2]", "(2)", "('2',)", "None"})
    CHECK(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': " + std::string(shape) + "}")) ==
          "x.npy: shape in .npy header is not a tuple of integers");
  CHECK(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, -1)}")) ==
        "x.npy: shape (2, -1) has a negative extent");
  CHECK(err(header("{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}")) ==
        "x.npy: shape (4294967296, 4294967296) is too large");
  const std::string three = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,)}";
  CHECK(err(header(three, i4x2)) == "x.npy: data is 8 bytes but shape (3,) of dtype <i4 needs 12 bytes");
  CHECK(err(header(three, Bytes(16))) == "x.npy: data is 16 bytes but shape (3,) of dtype <i4 needs 12 bytes");
  // A zero extent makes any other extent fine, however large.
  CHECK(nf::npz::decode_npy(header("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 9223372036854775807)}"), "x")
            .data.empty());

  TempDir dir;
  CHECK_THROWS_WITH(nf::npz::read_npy((dir.path / "missing.npy").string()),
                    Contains("missing.npy: cannot open: No such file or directory"));
  CHECK_THROWS_WITH(nf::npz::read_npy(dir.path.string()), dir.path.string() + ": is a directory");
}

TEST_CASE("encode_npy and encode_npz reject inconsistent input", "[npz]") {
  const Array short_data{DType::F32, {2}, {0, 0, 0}};
  CHECK_THROWS_WITH(nf::npz::encode_npy(short_data),
                    "array: array data is 3 bytes but shape (2,) of dtype <f4 needs 8 bytes");
  CHECK_THROWS_WITH(nf::npz::encode_npy(Array{DType::U8, {-1}, {}}, "w"), "w: shape (-1,) has a negative extent");
  const Array ok = sample(DType::U8, {1});
  CHECK_THROWS_WITH(nf::npz::encode_npz({{"a", ok}, {"a", ok}}), "archive: duplicate entry name 'a'");
  CHECK_THROWS_WITH(nf::npz::encode_npz({{"", ok}}), "archive: an entry has an empty name");
  CHECK_THROWS_WITH(nf::npz::encode_npz({{std::string("a\0b", 3), ok}}), "archive: entry name contains a NUL byte");
  CHECK_THROWS_WITH(nf::npz::encode_npz({{"a", ok}, {"b", short_data}}, nf::npz::Zip64::IfNeeded, "f.npz"),
                    "f.npz: entry 'b.npy': array data is 3 bytes but shape (2,) of dtype <f4 needs 8 bytes");
}

TEST_CASE("decode_npz reads numpy's deflated archives and reports every malformed one", "[npz]") {
  Entries want = {{"a", Array{DType::I32, {3}, {}}}, {"b", Array{DType::Bool, {}, {1}}}};
  for (int32_t v : {1, 2, -1}) append(want[0].second.data, v);
  const Bytes golden = golden_compressed();
  check_same(nf::npz::decode_npz(golden, "g.npz"), want);

  auto err = [](const Bytes& b) {
    try {
      nf::npz::decode_npz(b, "f.npz");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err({}) == "f.npz: not a zip archive");
  CHECK(err(bytes_of("hello world")) == "f.npz: not a zip archive");
  CHECK(err(nf::npz::encode_npy(want[0].second)) == "f.npz: not a zip archive");

  const Bytes stored = nf::npz::encode_npz(want);
  for (const Bytes* zip : {&stored, &golden}) {
    // Every truncation and every single-byte change is caught or harmless, never a crash.
    for (size_t n = 0; n < zip->size(); ++n) CHECK_THROWS_AS(nf::npz::decode_npz({zip->data(), n}, "f"), Error);
    for (size_t i = 0; i < zip->size(); ++i) {
      Bytes b = *zip;
      b[i] ^= 0x5A;
      try {
        nf::npz::decode_npz(b, "f");
      } catch (const Error&) {
      }
    }
  }
  CHECK(err(Bytes(stored.begin(), stored.end() - 1)) ==
        "f.npz: truncated or corrupt zip archive: no end-of-central-directory record");
  Bytes b = golden;
  b.erase(b.begin() + 100, b.begin() + 110);  // inside a's deflate data: the directory now points past it
  CHECK_THAT(err(b), Contains("f.npz: "));

  b = stored;
  patch(b, "b.npy", "a.npy");
  CHECK(err(b) == "f.npz: duplicate entry name 'a.npy'");
  b = stored;
  patch(b, "b.npy", "b.txt");
  CHECK(err(b) == "f.npz: entry 'b.txt': not a .npy file (names in an .npz must end in .npy)");
  b = stored;
  b[central(b) + 10] = 12;  // method of a's central directory entry
  CHECK(err(b) == "f.npz: entry 'a.npy': compression method 12 is not supported (only stored and deflate)");
  b = stored;
  b[central(b) + 8] = 1;  // flags: encrypted
  CHECK(err(b) == "f.npz: entry 'a.npy': encrypted entries are not supported");
  b = stored;
  b[b.size() - 22 + 4] = 1;  // number of this disk
  CHECK(err(b) == "f.npz: multi-disk zip archives are not supported");
  b = stored;
  b[central(b) - 1] ^= 1;  // b's data byte
  char msg[200];
  std::snprintf(msg, sizeof msg,
                "f.npz: entry 'b.npy': CRC-32 mismatch: the directory records 0x%08X, the data has 0x%08X",
                get32(stored, central(stored) + 51 + 16), nf::npz::crc32({&b[central(b) - 129], 129}));
  CHECK(err(b) == msg);
  b = golden;
  b[60] ^= 0xFF;  // inside a's deflate data
  CHECK_THAT(err(b), Contains("f.npz: entry 'a.npy': ") && (Contains("deflate") || Contains("CRC-32 mismatch")));

  // An entry whose .npy is bad, with consistent CRCs: the error names the entry.
  b = nf::npz::encode_npz({want[0]});
  patch(b, "'<i4'", "'>i4'");
  const uint32_t crc = nf::npz::crc32({&b[35], 140});
  set32(b, 14, crc);
  set32(b, central(b) + 16, crc);
  CHECK_THAT(err(b), Contains("f.npz: entry 'a.npy': unsupported dtype '>i4'"));

  TempDir dir;
  CHECK_THROWS_WITH(nf::npz::read_npz((dir.path / "no.npz").string()),
                    Contains("no.npz: cannot open: No such file or directory"));
}

TEST_CASE("failed writes leave the old file and no temporary file", "[npz]") {
  TempDir dir;
  const fs::path target = dir.path / "x.npz";
  const Entries first = {{"a", sample(DType::F32, {2, 3})}};
  nf::npz::write_npz(target.string(), first);
  const Bytes before = read_bytes(target);
  const std::vector<std::string> only = {"x.npz"};

  // Invalid input is caught before anything is created.
  CHECK_THROWS_WITH(
      nf::npz::write_npz(target.string(), {{"a", Array{DType::F32, {2}, {}}}}),
      target.string() + ": entry 'a.npy': array data is 0 bytes but shape (2,) of dtype <f4 needs 8 bytes");
  CHECK_THROWS_WITH(nf::npz::write_npy(target.string(), Array{DType::F32, {2}, {}}), Contains("needs 8 bytes"));

  // The file system refuses mid-write: a 4 KiB file size limit.
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  rlimit small = old;
  small.rlim_cur = 4096;
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  if (::setrlimit(RLIMIT_FSIZE, &small) == 0) {
    std::string message;
    try {
      nf::npz::write_npz(target.string(), {{"big", sample(DType::F64, {1000})}});
    } catch (const Error& e) {
      message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
    CHECK(message == target.string() + ": write failed: " + std::strerror(EFBIG));
  } else {
    WARN("setrlimit(RLIMIT_FSIZE) failed; mid-write failure not tested");
  }
  ::signal(SIGXFSZ, old_handler);
  CHECK(read_bytes(target) == before);
  CHECK(dir.names() == only);

  // The rename fails: the target is a non-empty directory.
  const fs::path sub = dir.path / "sub";
  fs::create_directories(sub / "keep");
  CHECK_THROWS_WITH(nf::npz::write_npy(sub.string(), sample(DType::U8, {3})),
                    Contains(sub.string() + ": cannot rename the temporary file into place: "));
  CHECK(dir.names() == std::vector<std::string>{"sub", "x.npz"});

  // The directory does not exist.
  CHECK_THROWS_WITH(nf::npz::write_npz((dir.path / "no" / "x.npz").string(), first),
                    (dir.path / "no" / "x.npz").string() + ": cannot create a temporary file in " +
                        (dir.path / "no").string() + ": No such file or directory");
  CHECK_THROWS_WITH(nf::npz::write_npz((dir.path / "").string(), first), Contains(": not a file name"));

  // Success replaces the old file.
  const Entries second = {{"b", sample(DType::I64, {4})}};
  nf::npz::write_npz(target.string(), second);
  check_same(nf::npz::read_npz(target.string()), second);
  CHECK(dir.names() == std::vector<std::string>{"sub", "x.npz"});
}

namespace {

// Checks, with numpy, the archives and .npy files the C++ side wrote into
// argv[1], then writes np.savez, np.savez_compressed and a Fortran-order .npy
// there for the C++ side to read.
const char* kNumpyScript = R"PY(
import io, sys, zipfile
import numpy as np
import numpy.lib.format as fmt

d = sys.argv[1]
DESCRS = ['<f4', '<i4', '|b1', '<u4', '<f8', '<i8', '|u1', '<u8']
SHAPES = [(), (0,), (1,), (5,), (2, 3, 4), (3, 0, 2)]

def sample(descr, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    v = {'f4': i.astype('<f4') * np.float32(0.25) - np.float32(2), 'i4': 3 - 7 * i, 'b1': i % 3 == 0,
         'u4': 4000000000 - 12345 * i, 'f8': i / 8.0 - 1, 'i8': 5 - i * 2**40, 'u1': i * 11 % 256,
         'u8': 9000000000000000000 - 1000003 * i}[descr[1:]]
    return np.asarray(v).astype(np.dtype(descr)).reshape(shape)

want = {'%s_%d' % (descr[1:], k): sample(descr, s) for descr in DESCRS for k, s in enumerate(SHAPES)}

def check(name, a, w):
    assert a.dtype == w.dtype and a.shape == w.shape and a.tobytes() == w.tobytes(), (name, a, w)

for f in ['ours.npz', 'ours_zip64.npz']:
    with np.load(d + '/' + f) as z:
        assert list(z.keys()) == list(want), (f, list(z.keys()))
        for k, w in want.items():
            check(f + ':' + k, z[k], w)
check('ours.npy', np.load(d + '/ours.npy'), want['f8_4'])
if hasattr(fmt, 'GROWTH_AXIS_MAX_DIGITS'):  # numpy >= 1.24 pads headers as we do
    with zipfile.ZipFile(d + '/ours.npz') as z:
        for k, w in want.items():
            b = io.BytesIO()
            np.save(b, w)
            assert z.read(k + '.npy') == b.getvalue(), ('bytes differ from np.save', k)

np.savez(d + '/stored.npz', **want)
np.savez_compressed(d + '/compressed.npz', **want)
np.save(d + '/fortran.npy', np.asfortranarray(np.zeros((2, 3), '<f4')))
print('numpy', np.__version__, 'ok')
)PY";

}  // namespace

TEST_CASE("a save removes the temporaries that killed writers left, and only those", "[npz]") {
  // A writer killed mid-save (kill -9) leaves ".NAME.tmp.HOST.PID.N"; 60 kills
  // once left 118 MB. The next save of NAME removes those whose process is gone.
  TempDir dir;
  const fs::path target = dir.path / "x.npz";
  char host[256] = {};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  std::string me(host);
  std::replace(me.begin(), me.end(), '.', '_');
  std::replace(me.begin(), me.end(), '/', '_');
  // A real killed writer: a child that starts a big save and is killed by SIGKILL mid-way.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    for (;;) nf::npz::write_npz(target.string(), {{"a", sample(DType::F32, {1 << 22})}});
  }
  bool left = false;
  for (int i = 0; i < 2000 && !left; ++i) {  // until a temporary exists
    for (const std::string& n : dir.names()) left = left || n.starts_with(".x.npz.tmp.");
    if (!left) ::usleep(1000);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  std::vector<std::string> stale;
  for (const std::string& n : dir.names())
    if (n.starts_with(".x.npz.tmp.")) stale.push_back(n);
  // The killed writer's temporary may have been renamed just before the kill: add one that surely is stale.
  const std::string dead = ".x.npz.tmp." + me + "." + std::to_string(child) + ".999";
  std::ofstream(dir / dead) << "partial";
  // Temporaries that must stay: a live process's (our parent's), another machine's, another file's, look-alikes.
  const std::vector<std::string> kept = {".x.npz.tmp." + me + "." + std::to_string(::getppid()) + ".0",
                                         ".x.npz.tmp.other_machine." + std::to_string(child) + ".1",
                                         ".y.npz.tmp." + me + "." + std::to_string(child) + ".2",
                                         ".x.npz.tmp." + me + "." + std::to_string(child) + ".3.bak"};
  for (const std::string& n : kept) std::ofstream(dir / n) << "keep";
  nf::npz::write_npz(target.string(), {{"a", sample(DType::F32, {2})}});
  std::vector<std::string> want = kept;
  want.push_back("x.npz");
  std::sort(want.begin(), want.end());
  CHECK(dir.names() == want);
}

TEST_CASE("numpy reads what we write and we read what numpy writes", "[npz][numpy]") {
  // numpy is a dependency (scripts/install-deps.sh): its absence is a failure, not a skip.
  REQUIRE(std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0);
  TempDir dir;
  const Entries entries = all_samples();
  nf::npz::write_npz((dir.path / "ours.npz").string(), entries);
  nf::npz::write_npz((dir.path / "ours_zip64.npz").string(), entries, nf::npz::Zip64::Always);
  nf::npz::write_npy((dir.path / "ours.npy").string(), sample(DType::F64, kShapes[4]));
  write_bytes(dir.path / "check.py", bytes_of(kNumpyScript));
  const std::string log = (dir.path / "log.txt").string();
  const int rc = std::system(
      ("/usr/bin/python3 '" + (dir.path / "check.py").string() + "' '" + dir.path.string() + "' >'" + log + "' 2>&1")
          .c_str());
  const Bytes out = read_bytes(log);
  INFO("python output:\n" << std::string(out.begin(), out.end()));
  REQUIRE(rc == 0);
  check_same(nf::npz::read_npz((dir.path / "stored.npz").string()), entries);
  check_same(nf::npz::read_npz((dir.path / "compressed.npz").string()), entries);
  CHECK_THROWS_WITH(nf::npz::read_npy((dir.path / "fortran.npy").string()),
                    Contains("Fortran-order arrays are not supported"));
}
