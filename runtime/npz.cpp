// NumPy .npy/.npz reading and writing; see runtime/npz.h. Zip field layouts
// and offsets follow PKWARE's APPNOTE.TXT 6.3: 4.3.7 local file header, 4.3.12
// central directory header, 4.3.14-16 ZIP64 end record, locator and end of
// central directory record, 4.5.3 the ZIP64 extra field.
#include "runtime/npz.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "common/read_file.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <set>

namespace nf::npz {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& problem) { throw Error(what + ": " + problem); }

std::string errno_text() { return std::strerror(errno); }

// ---- little-endian fields

uint16_t get16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t get32(const uint8_t* p) { return uint32_t(get16(p)) | uint32_t(get16(p + 2)) << 16; }
uint64_t get64(const uint8_t* p) { return uint64_t(get32(p)) | uint64_t(get32(p + 4)) << 32; }

void put_le(std::vector<uint8_t>& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

// ---- shapes and dtypes

struct DTypeInfo {
  DType dtype;
  std::string_view descr;  // as written; reading also takes kind+size with any order mark
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "<f4", 4}, {DType::I32, "<i4", 4}, {DType::Bool, "|b1", 1}, {DType::U32, "<u4", 4},
    {DType::F64, "<f8", 8}, {DType::I64, "<i8", 8}, {DType::U8, "|u1", 1}, {DType::U64, "<u8", 8},
};

const DTypeInfo& info(DType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype) return d;
  throw Error("invalid nf::npz::DType " + std::to_string(int(dtype)));
}

// Python's repr of the shape tuple: "()", "(3,)", "(2, 3)".
std::string shape_repr(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// Number of data bytes the shape needs for `dtype`; fails on negative extents
// and on sizes beyond int64_t.
uint64_t data_bytes(const std::vector<int64_t>& shape, DType dtype, const std::string& what) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t n = 1;
  bool overflow = false;
  for (int64_t extent : shape) {
    if (extent < 0) fail(what, "shape " + shape_repr(shape) + " has a negative extent");
    if (extent != 0 && n > kMax / extent)
      overflow = true;
    else
      n *= extent;
  }
  const int64_t size = int64_t(info(dtype).size);
  if (n == 0) return 0;  // a zero extent wins over an overflowing product
  if (overflow || n > kMax / size) fail(what, "shape " + shape_repr(shape) + " is too large");
  return uint64_t(n * size);
}

void check_data_size(DType dtype, const std::vector<int64_t>& shape, uint64_t have, const std::string& what,
                     const char* subject) {
  const uint64_t need = data_bytes(shape, dtype, what);
  if (have != need)
    fail(what, std::string(subject) + " is " + std::to_string(have) + " bytes but shape " + shape_repr(shape) +
                   " of dtype " + std::string(info(dtype).descr) + " needs " + std::to_string(need) + " bytes");
}

// ---- .npy header

constexpr uint8_t kNpyMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr size_t kNpyAlign = 64;             // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisMaxDigits = 21;  // numpy's spare room to grow shape[0] in place
constexpr int kMaxHeaderNesting = 32;

// Magic, version and header length: the header of an array of `dtype` and
// `shape` with `data_size` bytes of data, exactly as numpy's
// _write_array_header and _wrap_header make it.
std::vector<uint8_t> npy_prefix(DType dtype, const std::vector<int64_t>& shape, uint64_t data_size,
                                const std::string& what) {
  check_data_size(dtype, shape, data_size, what, "array data");
  std::string dict = "{'descr': '" + std::string(info(dtype).descr) +
                     "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  const size_t text = dict.size() + 1;  // with the final newline
  auto padding = [&](size_t prefix) { return kNpyAlign - (prefix + text) % kNpyAlign; };
  const bool v1 = text + padding(10) <= 0xFFFF;  // version 2.0 only for huge headers
  const size_t prefix = v1 ? 10 : 12;
  std::vector<uint8_t> out(kNpyMagic, kNpyMagic + 6);
  out.push_back(v1 ? 1 : 2);
  out.push_back(0);
  put_le(out, text + padding(prefix), v1 ? 2 : 4);
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), padding(prefix), ' ');
  out.push_back('\n');
  return out;
}

// The subset of Python literals .npy headers use.
struct PyValue {
  enum class Kind { Str, Bool, None, Int, Tuple, List } kind = Kind::None;
  std::string str;
  bool boolean = false;
  int64_t integer = 0;
  std::vector<PyValue> items;  // Tuple, List
};

// Parses the header dict; numpy evaluates it with ast.literal_eval.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& what) : text_(text), what_(what) {}

  std::vector<std::pair<std::string, PyValue>> dict() {
    std::vector<std::pair<std::string, PyValue>> out;
    expect('{');
    while (!accept('}')) {
      skip_space();
      if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) error("a string key or '}'");
      std::string key = string_literal();
      for (const auto& [k, v] : out)
        if (k == key) fail(what_, "duplicate key '" + key + "' in .npy header");
      expect(':');
      out.emplace_back(std::move(key), value(0));
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (pos_ != text_.size()) error("the end of the header after '}'");
    return out;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  void expect(char c) {
    if (!accept(c)) error(std::string("'") + c + "'");
  }
  [[noreturn]] void error(const std::string& expected) const {
    std::string shown(text_.substr(0, 200));
    while (!shown.empty() && (shown.back() == ' ' || shown.back() == '\n')) shown.pop_back();
    fail(what_, "malformed .npy header: expected " + expected + " at offset " + std::to_string(pos_) + " in \"" +
                    shown + "\"");
  }
  std::string string_literal() {
    const char quote = text_[pos_++];
    std::string s;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      s += text_[pos_++];
    }
    if (pos_ >= text_.size()) error(std::string("closing ") + quote);
    ++pos_;
    return s;
  }
  PyValue value(int depth) {
    if (depth > kMaxHeaderNesting) error("less nesting");
    skip_space();
    PyValue v;
    if (pos_ >= text_.size()) error("a value");
    const char c = text_[pos_];
    if (c == '\'' || c == '"') {
      v.kind = PyValue::Kind::Str;
      v.str = string_literal();
    } else if (c == '(' || c == '[') {
      const char close = c == '(' ? ')' : ']';
      ++pos_;
      bool comma = false;
      while (!accept(close)) {
        v.items.push_back(value(depth + 1));
        if (!accept(',')) {
          expect(close);
          break;
        }
        comma = true;
      }
      if (c == '(' && v.items.size() == 1 && !comma) return v.items[0];  // "(x)" is x, as in Python
      v.kind = c == '(' ? PyValue::Kind::Tuple : PyValue::Kind::List;
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      v.kind = PyValue::Kind::Int;
      const bool negative = c == '-';
      if (c == '-' || c == '+') ++pos_;
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') error("a digit");
      uint64_t n = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const uint64_t digit = uint64_t(text_[pos_++] - '0');
        // Checked before it is formed: n * 10 + digit could wrap uint64.
        if (n > (uint64_t(std::numeric_limits<int64_t>::max()) - digit) / 10) error("an integer that fits in 64 bits");
        n = n * 10 + digit;
      }
      if (pos_ < text_.size() && (text_[pos_] == 'L' || text_[pos_] == 'l')) ++pos_;  // Python 2 long
      v.integer = negative ? -int64_t(n) : int64_t(n);
    } else {
      size_t end = pos_;
      while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
      const std::string_view word = text_.substr(pos_, end - pos_);
      if (word == "True" || word == "False") {
        v.kind = PyValue::Kind::Bool;
        v.boolean = word == "True";
      } else if (word != "None") {
        error("a string, number, tuple, list, True, False or None");
      }
      pos_ = end;
    }
    return v;
  }

  std::string_view text_;
  const std::string& what_;
  size_t pos_ = 0;
};

DType parse_descr(const PyValue& v, const std::string& what) {
  if (v.kind != PyValue::Kind::Str) fail(what, "unsupported dtype: structured or non-string descr in .npy header");
  for (const auto& d : kDTypes) {
    if (v.str == d.descr) return d.dtype;
    // One-byte types have no byte order: accept '<u1', '=b1', '>b1' too.
    if (d.size == 1 && v.str.size() == 3 && std::strchr("<>=|", v.str[0]) && v.str.substr(1) == d.descr.substr(1))
      return d.dtype;
  }
  std::string supported;  // from the table, so the list cannot go stale
  for (const auto& d : kDTypes) supported += (supported.empty() ? "" : ", ") + std::string(d.descr);
  fail(what, "unsupported dtype '" + v.str + "' (supported: " + supported + ")");
}

// ---- zip records

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22, kZip64EndSize = 56, kLocatorSize = 20;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint32_t kMax32 = 0xFFFFFFFFu;  // a classic field with this value defers to ZIP64
constexpr uint16_t kMax16 = 0xFFFF;
constexpr uint16_t kVersion = 20, kVersionZip64 = 45;  // "version needed to extract"
constexpr uint16_t kUnixHost = 3 << 8;                 // "version made by" high byte
constexpr uint16_t kFlagUtf8 = 1 << 11, kFlagEncrypted = 1;
constexpr uint16_t kStored = 0, kDeflated = 8;
constexpr uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01; DOS time 0 is 00:00
constexpr uint32_t kFileMode = 0100644u << 16;              // regular file rw-r--r-- in the external attributes
constexpr std::string_view kSuffix = ".npy";

// Where written bytes go: appended to `bytes`, or, with a file descriptor,
// written to the file (named `path` in messages). `offset` counts them.
struct Sink {
  int fd = -1;
  std::string path;
  std::vector<uint8_t> bytes;
  uint64_t offset = 0;

  void put(std::span<const uint8_t> b) {
    offset += b.size();
    if (fd < 0) bytes.insert(bytes.end(), b.begin(), b.end());
    while (fd >= 0 && !b.empty()) {
      const ssize_t n = ::write(fd, b.data(), std::min<size_t>(b.size(), size_t(1) << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(path, "write failed: " + (n < 0 ? errno_text() : std::string("no progress")));
      b = b.subspan(size_t(n));
    }
  }

  // Rewrites bytes already put at `at` (a header field known only later).
  void patch(uint64_t at, std::span<const uint8_t> b) {
    if (fd < 0) {
      std::copy(b.begin(), b.end(), bytes.begin() + std::ptrdiff_t(at));
      return;
    }
    while (!b.empty()) {
      const ssize_t n = ::pwrite(fd, b.data(), b.size(), off_t(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(path, "write failed: " + (n < 0 ? errno_text() : std::string("no progress")));
      b = b.subspan(size_t(n));
      at += uint64_t(n);
    }
  }
};

std::string entry_label(const std::string& what, std::string_view name) {
  return what + ": entry '" + std::string(name) + "'";
}

// One archive entry on its way out: its name, its .npy header, and its data,
// written by `emit` (exactly `data_size` bytes), which returns their CRC-32.
struct Piece {
  std::string name;  // without ".npy"
  std::vector<uint8_t> prefix;
  uint64_t data_size = 0;
  std::function<uint32_t(Sink&)> emit;
};

void check_names(const std::vector<Piece>& pieces, const std::string& what) {
  std::set<std::string_view> seen;
  for (const Piece& p : pieces) {
    const std::string& name = p.name;
    if (name.empty()) fail(what, "an entry has an empty name");
    if (name.find('\0') != std::string::npos) fail(what, "entry name contains a NUL byte");
    if (name.size() > kMax16 - kSuffix.size()) fail(what, "entry name is longer than zip allows");
    if (!seen.insert(name).second) fail(what, "duplicate entry name '" + name + "'");
  }
}

// A zip record under construction: little-endian fields in order.
struct Record {
  std::vector<uint8_t> bytes;
  Record& u16(uint64_t v) { return put_le(bytes, v, 2), *this; }
  Record& u32(uint64_t v) { return put_le(bytes, v, 4), *this; }
  Record& u64(uint64_t v) { return put_le(bytes, v, 8), *this; }
  Record& raw(std::string_view s) { return bytes.insert(bytes.end(), s.begin(), s.end()), *this; }
  Record& raw(std::span<const uint8_t> s) { return bytes.insert(bytes.end(), s.begin(), s.end()), *this; }
};

// The pieces of in-memory entries, after checking names and arrays:
// everything that can be wrong with an archive, found before a byte is
// written. The pieces borrow the arrays' data.
std::vector<Piece> memory_pieces(const Entries& entries, const std::string& what) {
  std::vector<Piece> pieces;
  for (const auto& [name, array] : entries) pieces.push_back({name, {}, array.data.size(), {}});
  check_names(pieces, what);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Array* a = &entries[i].second;
    pieces[i].prefix = npy_prefix(a->dtype, a->shape, a->data.size(), entry_label(what, pieces[i].name + ".npy"));
    pieces[i].emit = [a](Sink& sink) {
      sink.put(a->data);
      return crc32(a->data);
    };
  }
  return pieces;
}

// The pieces of streamed entries, checked the same way.
std::vector<Piece> streamed_pieces(const std::vector<StreamedEntry>& entries, const std::string& what) {
  std::vector<Piece> pieces;
  for (const StreamedEntry& e : entries) pieces.push_back({e.name, {}, 0, {}});
  check_names(pieces, what);
  pieces.clear();
  for (const StreamedEntry& e : entries) {
    const std::string label = entry_label(what, e.name + ".npy");
    const uint64_t size = data_bytes(e.shape, e.dtype, label);
    pieces.push_back({e.name, npy_prefix(e.dtype, e.shape, size, label), size, [&e, size, label](Sink& sink) {
                        uint64_t written = 0;
                        uint32_t crc = 0;
                        e.write([&](std::span<const uint8_t> bytes) {
                          written += bytes.size();
                          if (written > size) fail(label, "the entry's data is longer than its shape");
                          sink.put(bytes);
                          crc = crc32(bytes, crc);
                        });
                        if (written != size)
                          fail(label, "the entry's data is " + std::to_string(written) + " bytes, its shape needs " +
                                          std::to_string(size));
                        return crc;
                      }});
  }
  return pieces;
}

void write_zip(const std::vector<Piece>& pieces, Zip64 zip64, Sink& sink) {
  const bool always = zip64 == Zip64::Always;
  struct Written {
    std::string name;
    uint16_t flags;
    uint32_t crc;
    uint64_t size, offset;
  };
  std::vector<Written> written;
  for (const Piece& p : pieces) {
    Written w{p.name + std::string(kSuffix), 0, 0, p.prefix.size() + p.data_size, sink.offset};
    if (std::any_of(w.name.begin(), w.name.end(), [](char c) { return uint8_t(c) >= 0x80; })) w.flags = kFlagUtf8;
    const bool big = always || w.size >= kMax32;
    const uint64_t size32 = big ? kMax32 : w.size;
    Record h;  // local file header: signature, version needed, flags, method, time, date
    h.u32(kLocalSig).u16(big ? kVersionZip64 : kVersion).u16(w.flags).u16(kStored).u16(0).u16(kDosDate1980);
    // CRC, compressed and uncompressed size, name length, extra length, name
    h.u32(w.crc).u32(size32).u32(size32).u16(w.name.size()).u16(big ? 20 : 0).raw(w.name);
    if (big) h.u16(kZip64ExtraId).u16(16).u64(w.size).u64(w.size);
    sink.put(h.bytes);
    sink.put(p.prefix);
    // The CRC is known once the data is out: set in the local header after it.
    const uint32_t data_crc = p.emit(sink);
    w.crc = uint32_t(::crc32_combine64(crc32(p.prefix), data_crc, z_off64_t(p.data_size)));
    Record crc;
    crc.u32(w.crc);
    sink.patch(w.offset + 14, crc.bytes);
    written.push_back(std::move(w));
  }
  const uint64_t cd_offset = sink.offset;
  for (const Written& w : written) {
    const bool big_size = always || w.size >= kMax32, big_offset = always || w.offset >= kMax32;
    Record extra;  // the ZIP64 fields of exactly those classic fields set to kMax32
    if (big_size) extra.u64(w.size).u64(w.size);
    if (big_offset) extra.u64(w.offset);
    const uint16_t version = extra.bytes.empty() ? kVersion : kVersionZip64;
    const uint64_t size32 = big_size ? kMax32 : w.size;
    Record h;  // central directory header: signature, made by, needed, flags, method, time, date
    h.u32(kCentralSig).u16(kUnixHost | version).u16(version).u16(w.flags).u16(kStored).u16(0).u16(kDosDate1980);
    // CRC, sizes, name length, extra length, comment length, disk, internal and external attributes, offset
    h.u32(w.crc).u32(size32).u32(size32).u16(w.name.size()).u16(extra.bytes.empty() ? 0 : extra.bytes.size() + 4);
    h.u16(0).u16(0).u16(0).u32(kFileMode).u32(big_offset ? kMax32 : w.offset).raw(w.name);
    if (!extra.bytes.empty()) h.u16(kZip64ExtraId).u16(extra.bytes.size()).raw(extra.bytes);
    sink.put(h.bytes);
  }
  const uint64_t count = written.size(), cd_size = sink.offset - cd_offset;
  const bool big_end = always || count >= kMax16 || cd_size >= kMax32 || cd_offset >= kMax32;
  Record e;
  if (big_end) {
    // ZIP64 end record: signature, size of the rest, made by, needed, this disk, directory's disk,
    // entries on this disk, entries, directory size, directory offset; then the locator:
    // signature, disk of the ZIP64 end record, its offset, number of disks.
    e.u32(kZip64EndSig).u64(kZip64EndSize - 12).u16(kUnixHost | kVersionZip64).u16(kVersionZip64).u32(0).u32(0);
    e.u64(count).u64(count).u64(cd_size).u64(cd_offset);
    e.u32(kZip64LocatorSig).u32(0).u64(sink.offset).u32(1);
  }
  // End record: signature, this disk, directory's disk, entries here, entries, size, offset, comment length.
  e.u32(kEndSig).u16(0).u16(0).u16(big_end ? kMax16 : count).u16(big_end ? kMax16 : count);
  e.u32(big_end ? kMax32 : cd_size).u32(big_end ? kMax32 : cd_offset).u16(0);
  sink.put(e.bytes);
}

// Inflates a raw deflate stream that must produce exactly `size` bytes.
std::vector<uint8_t> inflate_entry(std::span<const uint8_t> in, uint64_t size, const std::string& label) {
  // Deflate expands at most 1032:1; a larger claim is a corrupt directory.
  if (size > uint64_t(in.size()) * 1032 + 64)
    fail(label, "corrupt: recorded size " + std::to_string(size) + " is impossible for " + std::to_string(in.size()) +
                    " bytes of deflate data");
  std::vector<uint8_t> out(size);
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail(label, "cannot initialise zlib");
  struct End {
    z_stream* zs;
    ~End() { inflateEnd(zs); }
  } end{&zs};
  constexpr size_t kChunk = size_t(1) << 30;  // zlib counts in 32-bit uInt
  uint8_t dummy = 0;
  size_t in_pos = 0, out_pos = 0;
  for (;;) {
    const size_t in_n = std::min(in.size() - in_pos, kChunk), out_n = std::min(out.size() - out_pos, kChunk);
    zs.next_in = in.data() + in_pos;
    zs.avail_in = uInt(in_n);
    zs.next_out = out.empty() ? &dummy : out.data() + out_pos;
    zs.avail_out = uInt(out_n);
    const int ret = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_n - zs.avail_in;
    out_pos += out_n - zs.avail_out;
    if (ret == Z_STREAM_END) break;
    if (ret == Z_BUF_ERROR || (ret == Z_OK && in_n == zs.avail_in && out_n == zs.avail_out)) {
      if (out_pos == out.size())
        fail(label, "deflate data inflates to more than the recorded " + std::to_string(size) + " bytes");
      fail(label, "deflate data is truncated");
    }
    if (ret != Z_OK) fail(label, std::string("corrupt deflate data: ") + (zs.msg ? zs.msg : "zlib error"));
  }
  if (out_pos != out.size())
    fail(label, "deflate data inflates to " + std::to_string(out_pos) + " bytes but the directory records " +
                    std::to_string(size));
  if (in_pos != in.size()) fail(label, "corrupt: bytes after the end of the deflate data");
  return out;
}

// ---- files

std::vector<uint8_t> read_file(const std::string& path) {
  try {
    return read_regular_file<std::vector<uint8_t>>(path);
  } catch (const FileReadError& e) {
    throw IoError(e.what());
  }
}

// This machine's name, as it may appear in a file name ("host" if unknown).
std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "host";
  std::string out(name);
  for (char& c : out)
    if (c == '/' || c == '.') c = '_';
  return out;
}

// Removes the temporaries "PREFIXPID.N" that a writer on this machine left
// when it was killed mid-save (kill -9, power loss): those whose process no
// longer exists. Temporaries of live processes, of other machines sharing the
// directory, and every other file are left alone. Best effort.
void remove_stale_temporaries(const std::filesystem::path& dir, const std::string& prefix) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());  // "PID.N"
    const size_t dot = rest.find('.');
    auto digits = [](std::string_view d) {
      return !d.empty() && d.size() <= 18 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (dot == std::string::npos || !digits(std::string_view(rest).substr(0, dot)) ||
        !digits(std::string_view(rest).substr(dot + 1)))
      continue;
    const long long pid = std::stoll(rest.substr(0, dot));
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max() || pid == ::getpid()) continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    ::unlink(it->path().c_str());
  }
}

// Streams `produce` into a fresh temporary file beside `path`, fsyncs it and
// renames it over `path`; on failure removes it and leaves `path` alone.
void write_atomically(const std::string& path, const std::function<void(Sink&)>& produce) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string base = target.filename().string();
  if (base.empty() || base == "." || base == "..") fail(path, "not a file name");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  static std::atomic<unsigned> counter{0};
  const std::string prefix = "." + base + ".tmp." + host_name() + ".";
  remove_stale_temporaries(dir, prefix);
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = (dir / (prefix + std::to_string(::getpid()) + "." + std::to_string(counter++))).string();
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) fail(path, "cannot create a temporary file in " + dir.string() + ": " + errno_text());
  try {
    Sink sink{fd, path, {}, 0};
    produce(sink);
    if (::fsync(fd) != 0) fail(path, "fsync failed: " + errno_text());
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) fail(path, "close failed: " + errno_text());
    if (::rename(temp.c_str(), path.c_str()) != 0)
      fail(path, "cannot rename the temporary file into place: " + errno_text());
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  // Make the new directory entry durable too (best effort: the file is in place).
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace

Array f32_array(std::span<const float> values) {
  Array a{DType::F32, {int64_t(values.size())}, {}};
  const auto* bytes = reinterpret_cast<const uint8_t*>(values.data());
  a.data.assign(bytes, bytes + values.size_bytes());
  return a;
}

void write_file(const std::string& path, std::span<const uint8_t> bytes) {
  write_atomically(path, [&](Sink& sink) { sink.put(bytes); });
}

size_t dtype_size(DType dtype) { return info(dtype).size; }
std::string_view dtype_descr(DType dtype) { return info(dtype).descr; }

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

int64_t Array::num_elements() const { return int64_t(data_bytes(shape, dtype, "array") / dtype_size(dtype)); }

uint32_t crc32(std::span<const uint8_t> bytes, uint32_t crc) {
  // zlib reads a null buffer as a request for the initial value, 0.
  return bytes.empty() ? crc : uint32_t(::crc32_z(crc, bytes.data(), bytes.size()));
}

std::vector<uint8_t> encode_npy(const Array& array, const std::string& what) {
  std::vector<uint8_t> out = npy_prefix(array.dtype, array.shape, array.data.size(), what);
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

Array decode_npy(std::span<const uint8_t> bytes, const std::string& what) {
  if (bytes.size() < 6 || !std::equal(kNpyMagic, kNpyMagic + 6, bytes.begin()))
    fail(what, "not a .npy file (no \\x93NUMPY magic)");
  if (bytes.size() < 8) fail(what, "truncated .npy file: it ends inside the format version");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    fail(what, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (supported: 1.0, 2.0, 3.0)");
  const size_t start = major == 1 ? 10 : 12;
  if (bytes.size() < start) fail(what, "truncated .npy file: it ends inside the header length");
  const uint64_t header_len = major == 1 ? get16(&bytes[8]) : get32(&bytes[8]);
  if (header_len > bytes.size() - start)
    fail(what, "truncated .npy header: the header is " + std::to_string(header_len) + " bytes but only " +
                   std::to_string(bytes.size() - start) + " follow");
  const std::string_view text(reinterpret_cast<const char*>(&bytes[start]), size_t(header_len));
  const auto dict = HeaderParser(text, what).dict();
  for (const auto& [key, v] : dict)
    if (key != "descr" && key != "fortran_order" && key != "shape")
      fail(what, "unexpected key '" + key + "' in .npy header");
  auto get = [&](const std::string& key) -> const PyValue& {
    for (const auto& [k, v] : dict)
      if (k == key) return v;
    fail(what, ".npy header has no '" + key + "'");
  };
  Array a;
  a.dtype = parse_descr(get("descr"), what);
  const PyValue& fortran = get("fortran_order");
  if (fortran.kind != PyValue::Kind::Bool) fail(what, "fortran_order in .npy header is not True or False");
  if (fortran.boolean)
    fail(what,
         "Fortran-order arrays are not supported (fortran_order is True); save a C-ordered array, "
         "e.g. np.ascontiguousarray(a)");
  const PyValue& shape = get("shape");
  if (shape.kind != PyValue::Kind::Tuple || !std::all_of(shape.items.begin(), shape.items.end(),
                                                         [](const PyValue& d) { return d.kind == PyValue::Kind::Int; }))
    fail(what, "shape in .npy header is not a tuple of integers");
  for (const PyValue& d : shape.items) a.shape.push_back(d.integer);
  const auto data = bytes.subspan(start + size_t(header_len));
  check_data_size(a.dtype, a.shape, data.size(), what, "data");
  a.data.assign(data.begin(), data.end());
  return a;
}

Array read_npy(const std::string& path) { return decode_npy(read_file(path), path); }

void write_npy(const std::string& path, const Array& array) {
  const std::vector<uint8_t> prefix = npy_prefix(array.dtype, array.shape, array.data.size(), path);
  write_atomically(path, [&](Sink& sink) {
    sink.put(prefix);
    sink.put(array.data);
  });
}

std::vector<uint8_t> encode_npz(const Entries& entries, Zip64 zip64, const std::string& what) {
  const auto pieces = memory_pieces(entries, what);
  Sink sink;
  write_zip(pieces, zip64, sink);
  return std::move(sink.bytes);
}

Entries decode_npz(std::span<const uint8_t> z, const std::string& what, const EntryFilter& accept) {
  if (z.size() < 4 || (get32(z.data()) != kLocalSig && get32(z.data()) != kEndSig)) fail(what, "not a zip archive");
  // The end record: the last 22 bytes of the file but for a comment of up to
  // 64 KiB, found as the last signature whose comment reaches the file's end.
  size_t end = std::string::npos;
  const size_t lowest = z.size() > kEndSize + kMax16 ? z.size() - kEndSize - kMax16 : 0;
  for (size_t pos = z.size() >= kEndSize ? z.size() - kEndSize + 1 : 0; pos > lowest && end == std::string::npos;) {
    --pos;
    if (get32(&z[pos]) == kEndSig && pos + kEndSize + get16(&z[pos + 20]) == z.size()) end = pos;
  }
  if (end == std::string::npos) fail(what, "truncated or corrupt zip archive: no end-of-central-directory record");
  const uint8_t* e = &z[end];
  uint64_t count = get16(e + 10), cd_size = get32(e + 12), cd_offset = get32(e + 16);
  size_t cd_limit = end;  // the central directory ends before the end records
  const bool zip64 = end >= kLocatorSize && get32(&z[end - kLocatorSize]) == kZip64LocatorSig;
  if (!zip64 && (get16(e + 4) != 0 || get16(e + 6) != 0)) fail(what, "multi-disk zip archives are not supported");
  if (zip64) {
    const uint64_t at = get64(&z[end - kLocatorSize + 8]);
    if (at > end - kLocatorSize || end - kLocatorSize - at < kZip64EndSize || get32(&z[size_t(at)]) != kZip64EndSig)
      fail(what, "corrupt zip archive: bad ZIP64 end-of-central-directory record");
    const uint8_t* e64 = &z[size_t(at)];
    if (get32(e64 + 16) != 0 || get32(e64 + 20) != 0) fail(what, "multi-disk zip archives are not supported");
    count = get64(e64 + 32);
    cd_size = get64(e64 + 40);
    cd_offset = get64(e64 + 48);
    cd_limit = size_t(at);
  }
  if (cd_offset > cd_limit || cd_size > cd_limit - cd_offset)
    fail(what, "truncated or corrupt zip archive: the central directory lies outside the file");
  if (count > cd_size / kCentralSize) fail(what, "corrupt zip archive: more entries than the directory can hold");

  Entries out;
  std::set<std::string> names;
  size_t p = size_t(cd_offset);
  const size_t cd_end = size_t(cd_offset + cd_size);
  for (uint64_t i = 0; i < count; ++i) {
    if (cd_end - p < kCentralSize || get32(&z[p]) != kCentralSig)
      fail(what, "corrupt zip archive: bad central directory entry " + std::to_string(i));
    const uint8_t* h = &z[p];
    const size_t name_len = get16(h + 28), extra_len = get16(h + 30), comment_len = get16(h + 32);
    if (cd_end - p - kCentralSize < name_len + extra_len + comment_len)
      fail(what, "corrupt zip archive: central directory entry " + std::to_string(i) + " overruns the directory");
    const std::string full(reinterpret_cast<const char*>(h + kCentralSize), name_len);
    const std::string label = entry_label(what, full);
    const uint16_t flags = get16(h + 8), method = get16(h + 10);
    const uint32_t crc = get32(h + 16);
    uint64_t csize = get32(h + 20), usize = get32(h + 24), offset = get32(h + 42);
    // ZIP64 extra: the 64-bit values of exactly those fields that hold kMax32, in this order.
    for (const uint8_t *x = h + kCentralSize + name_len, *x_end = x + extra_len; x_end - x >= 4;) {
      const uint16_t id = get16(x), len = get16(x + 2);
      if (size_t(x_end - x - 4) < len) fail(label, "corrupt extra field in the central directory");
      if (id == kZip64ExtraId) {
        const uint8_t* f = x + 4;
        for (uint64_t* field : {&usize, &csize, &offset}) {
          if (*field != kMax32) continue;
          if (x + 4 + len - f < 8) fail(label, "corrupt ZIP64 extra field");
          *field = get64(f);
          f += 8;
        }
      }
      x += 4 + len;
    }
    p += kCentralSize + name_len + extra_len + comment_len;

    if (flags & kFlagEncrypted) fail(label, "encrypted entries are not supported");
    if (method != kStored && method != kDeflated)
      fail(label, "compression method " + std::to_string(method) + " is not supported (only stored and deflate)");
    if (full.size() < kSuffix.size() || !full.ends_with(kSuffix))
      fail(label, "not a .npy file (names in an .npz must end in .npy)");
    std::string name = full.substr(0, full.size() - kSuffix.size());
    if (!names.insert(name).second) fail(what, "duplicate entry name '" + full + "'");

    if (offset > z.size() || z.size() - offset < kLocalSize || get32(&z[size_t(offset)]) != kLocalSig)
      fail(label, "truncated or corrupt zip archive: no local header at offset " + std::to_string(offset));
    const uint8_t* l = &z[size_t(offset)];
    const size_t local_name_len = get16(l + 26), data_at = size_t(offset) + kLocalSize + local_name_len + get16(l + 28);
    if (data_at > z.size() || csize > z.size() - data_at)
      fail(label, "truncated: its " + std::to_string(csize) + " bytes of data at offset " + std::to_string(data_at) +
                      " run past the end of the " + std::to_string(z.size()) + "-byte file");
    if (std::string_view(reinterpret_cast<const char*>(l + kLocalSize), local_name_len) != full)
      fail(label, "corrupt zip archive: the local header names a different entry");
    if (accept) accept(name, usize);
    std::span<const uint8_t> bytes = z.subspan(data_at, size_t(csize));
    std::vector<uint8_t> inflated;
    if (method == kDeflated)
      bytes = inflated = inflate_entry(bytes, usize, label);
    else if (csize != usize)
      fail(label, "corrupt: stored entry with different compressed and uncompressed sizes");
    const uint32_t actual = crc32(bytes);
    if (actual != crc) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "CRC-32 mismatch: the directory records 0x%08X, the data has 0x%08X", crc, actual);
      fail(label, buf);
    }
    out.emplace_back(std::move(name), decode_npy(bytes, label));
  }
  return out;
}

Entries read_npz(const std::string& path, const EntryFilter& accept) {
  return decode_npz(read_file(path), path, accept);
}

void write_npz(const std::string& path, const Entries& entries, Zip64 zip64) {
  // Checks names and arrays (and computes the headers) before creating anything.
  const auto pieces = memory_pieces(entries, path);
  write_atomically(path, [&](Sink& sink) { write_zip(pieces, zip64, sink); });
}

void write_npz(const std::string& path, const std::vector<StreamedEntry>& entries, Zip64 zip64) {
  const auto pieces = streamed_pieces(entries, path);
  write_atomically(path, [&](Sink& sink) { write_zip(pieces, zip64, sink); });
}

}  // namespace nf::npz
