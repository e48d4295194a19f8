// Monitors; see runtime/monitor.h.
#include "runtime/monitor.h"

#include <fcntl.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

namespace nf::monitor {

namespace {

std::string errno_text() { return std::strerror(errno); }

// An unnamed file in `dir` for reading and writing: O_TMPFILE where the file
// system has it, else a fresh name removed at once.
int unnamed_file(const std::string& dir) {
#ifdef O_TMPFILE
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return -1;
#endif
  std::string name = dir + "/.neurofuse-monitor-XXXXXX";
  int fd2 = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd2 >= 0) ::unlink(name.c_str());
  return fd2;
}

void put32(uint8_t* p, uint32_t w) { std::memcpy(p, &w, 4); }

// Bit j set for each of the 16 words w[j] with w[j] & mask nonzero: four
// SSE2 compares where the CPU has them (every x86-64 does), else a loop.
[[gnu::always_inline]] inline uint32_t nonzero_bits16(const uint32_t* w, uint32_t mask) {
#if defined(__SSE2__)
  // Each word's compare (all ones where zero) narrowed to a byte by two
  // saturating packs, then one byte mask for all 16.
  const __m128i m = _mm_set1_epi32(int32_t(mask)), zero = _mm_setzero_si128();
  auto is_zero = [&](int q) {
    return _mm_cmpeq_epi32(_mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 4 * q)), m), zero);
  };
  const __m128i bytes = _mm_packs_epi16(_mm_packs_epi32(is_zero(0), is_zero(1)), _mm_packs_epi32(is_zero(2), is_zero(3)));
  return ~uint32_t(_mm_movemask_epi8(bytes)) & 0xFFFFu;
#else
  uint32_t bits = 0;
  for (int j = 0; j < 16; ++j) bits |= uint32_t((w[j] & mask) != 0) << j;
  return bits;
#endif
}

}  // namespace

Monitor::Monitor(const Spec& spec, Element element, std::vector<int64_t> shape, std::string spool_directory)
    : spec_(spec), element_(element), shape_(std::move(shape)), spool_directory_(std::move(spool_directory)) {
  int64_t count = 1;
  for (int64_t d : shape_) count *= d;
  count_ = count;
  if (spec_.every < 1) throw Error("every must be at least 1, got " + std::to_string(spec_.every));
  if (spec_.start < 0) throw Error("start must not be negative, got " + std::to_string(spec_.start));
  if (spec_.all_units) {
    spec_.units.clear();
  } else {
    for (int64_t u : spec_.units)
      if (u < 0 || u >= count)
        throw Error("unit " + std::to_string(u) + " is outside the compartment's " + std::to_string(count) +
                    " elements");
  }
  const int64_t units = spec_.all_units ? count : int64_t(spec_.units.size());
  switch (spec_.kind) {
    case Kind::Values:
      dtype_ = element_ == Element::F32 ? npz::DType::F32 : element_ == Element::I32 ? npz::DType::I32 : npz::DType::Bool;
      stored_size_ = element_ == Element::Bool ? 1 : 4;
      row_elements_ = units;
      break;
    case Kind::Events:
      if (count > int64_t(INT32_MAX))
        throw Error("events name units as int32, and the compartment has " + std::to_string(count) + " elements");
      dtype_ = npz::DType::I32;
      row_elements_ = 2;
      break;
    case Kind::Sum:
      dtype_ = element_ == Element::F32 ? npz::DType::F32 : npz::DType::I32;
      row_elements_ = 1;
      break;
    case Kind::Mean:
      dtype_ = npz::DType::F32;
      row_elements_ = 1;
      break;
  }
  row_bytes_ = uint64_t(row_elements_) * stored_size_;
  if (!spool_directory_.empty()) {
    // Made now, so a directory that cannot hold it fails before the run.
    spool_fd_ = unnamed_file(spool_directory_);
    if (spool_fd_ < 0) throw Error("cannot make a spool file in '" + spool_directory_ + "': " + errno_text(), true);
  }
}

Monitor::~Monitor() {
  if (spool_fd_ >= 0) ::close(spool_fd_);
}

std::vector<int64_t> Monitor::shape() const {
  std::vector<int64_t> s = {rows_};
  if (spec_.kind == Kind::Events) s.push_back(2);
  if (spec_.kind == Kind::Values) {
    if (spec_.all_units) s.insert(s.end(), shape_.begin(), shape_.end());
    else s.push_back(int64_t(spec_.units.size()));
  }
  return s;
}

uint8_t* Monitor::room(size_t bytes) {
  if (capacity_ - size_ < bytes) {
    // Doubling, but a spooled buffer never beyond a chunk and a step's bytes.
    size_t capacity = std::max({capacity_ * 2, size_ + bytes, size_t(4096)});
    if (spool_fd_ >= 0) capacity = std::max(std::min(capacity, kSpoolChunk + bytes), size_ + bytes);
    auto grown = std::make_unique_for_overwrite<uint8_t[]>(capacity);
    if (size_) std::memcpy(grown.get(), buffer_.get(), size_);
    buffer_ = std::move(grown);
    capacity_ = capacity;
  }
  return buffer_.get() + size_;
}

void Monitor::observe(int64_t step, const uint32_t* words) {
  const bool all = spec_.all_units;
  const size_t n = all ? size_t(count_) : spec_.units.size();
  const int64_t* units = spec_.units.data();
  // The step's bytes are written in place after the buffer's end, then
  // committed: kept whole, or (when the spool fails) not at all.
  size_t bytes = 0;
  int64_t rows = 1;
  switch (spec_.kind) {
    case Kind::Values: {
      uint8_t* out = room(size_t(row_bytes_));
      if (element_ == Element::Bool) {
        for (size_t i = 0; i < n; ++i) out[i] = words[all ? i : size_t(units[i])] ? 1 : 0;
      } else if (all) {
        std::memcpy(out, words, n * 4);
      } else {
        for (size_t i = 0; i < n; ++i) put32(out + 4 * i, words[size_t(units[i])]);
      }
      bytes = size_t(row_bytes_);
      break;
    }
    case Kind::Events: {
      if (step > kMaxEventStep) throw Error("events name steps as int32: step " + std::to_string(step) + " is beyond");
      // A nonzero element: a bool or i32 word other than 0, an f32 other than +-0.
      const uint32_t mask = element_ == Element::F32 ? 0x7FFFFFFFu : 0xFFFFFFFFu;
      uint8_t* out = room(n * 8);
      uint8_t* end = out;
      const uint32_t s = uint32_t(int32_t(step));
      auto event = [&](int64_t unit) {
        put32(end, s);
        put32(end + 4, uint32_t(int32_t(unit)));
        end += 8;
      };
      size_t i = 0;
      if (all) {
        // Spikes are sparse: each block of 64 words becomes a bit mask of its
        // nonzero ones, whose bits are visited in ascending order (one loop
        // per block, so few mispredicted branches).
        for (; i + 64 <= n; i += 64) {
          uint64_t bits = 0;
          for (int q = 0; q < 4; ++q) bits |= uint64_t(nonzero_bits16(words + i + 16 * q, mask)) << (16 * q);
          for (; bits; bits &= bits - 1) event(int64_t(i) + std::countr_zero(bits));
        }
        for (; i + 16 <= n; i += 16)
          for (uint32_t bits = nonzero_bits16(words + i, mask); bits; bits &= bits - 1)
            event(int64_t(i) + std::countr_zero(bits));
        for (; i < n; ++i)
          if (words[i] & mask) event(int64_t(i));
      } else {
        for (; i < n; ++i)
          if (words[size_t(units[i])] & mask) event(units[i]);
      }
      bytes = size_t(end - out);
      rows = int64_t(bytes / 8);
      break;
    }
    case Kind::Sum:
    case Kind::Mean: {
      auto word = [&](size_t i) { return words[all ? i : size_t(units[i])]; };
      uint32_t out = 0;
      if (element_ == Element::F32) {
        float sum = n ? std::bit_cast<float>(word(0)) : 0.0f;
        for (size_t i = 1; i < n; ++i) sum += std::bit_cast<float>(word(i));
        out = std::bit_cast<uint32_t>(spec_.kind == Kind::Sum ? sum : sum / float(n));
      } else {
        uint32_t sum = n ? word(0) : 0;  // two's complement: wraps like i32 add
        for (size_t i = 1; i < n; ++i) sum += word(i);
        out = spec_.kind == Kind::Sum ? sum : std::bit_cast<uint32_t>(float(int32_t(sum)) / float(n));
      }
      put32(room(4), out);
      bytes = 4;
      break;
    }
  }
  const size_t before = size_;
  size_ += bytes;
  if (spool_fd_ >= 0 && size_ >= kSpoolChunk) {
    try {
      flush();
    } catch (...) {
      size_ = before;
      throw;
    }
  }
  rows_ += rows;
}

// Moves the buffer to the end of the spool file, all of it or (truncating
// what part of it was written) none.
void Monitor::flush() {
  const uint8_t* p = buffer_.get();
  size_t left = size_;
  uint64_t at = spooled_;
  while (left > 0) {
    const ssize_t w = ::pwrite(spool_fd_, p, std::min<size_t>(left, size_t(1) << 30), off_t(at));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const std::string why = w < 0 ? errno_text() : std::string("no progress");
      (void)::ftruncate(spool_fd_, off_t(spooled_));
      throw Error("cannot write the spool file in '" + spool_directory_ + "': " + why, true);
    }
    at += uint64_t(w);
    p += w;
    left -= size_t(w);
  }
  spooled_ = at;
  size_ = 0;
}

void Monitor::read_bytes(uint64_t offset, uint64_t n, uint8_t* out) const {
  while (n > 0 && offset < spooled_) {
    const size_t want = size_t(std::min<uint64_t>({n, spooled_ - offset, uint64_t(1) << 30}));
    const ssize_t r = ::pread(spool_fd_, out, want, off_t(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw Error("cannot read the spool file: " + (r < 0 ? errno_text() : std::string("it is short")), true);
    offset += uint64_t(r);
    out += r;
    n -= uint64_t(r);
  }
  if (n > 0) std::memcpy(out, buffer_.get() + (offset - spooled_), size_t(n));
}

void Monitor::read(int64_t first, int64_t n, uint32_t* out) const {
  if (first < 0 || n < 0 || first > rows_ || n > rows_ - first)
    throw Error("rows " + std::to_string(first) + ".." + std::to_string(first + n) + " are outside the " +
                std::to_string(rows_) + " recorded");
  const uint64_t row_bytes = row_bytes_;
  if (stored_size_ == 4) {
    read_bytes(uint64_t(first) * row_bytes, uint64_t(n) * row_bytes, reinterpret_cast<uint8_t*>(out));
    return;
  }
  // Bool values: one byte each, widened to 0/1 words in place from the end.
  auto* bytes = reinterpret_cast<uint8_t*>(out);
  const uint64_t total = uint64_t(n) * row_bytes;
  read_bytes(uint64_t(first) * row_bytes, total, bytes);
  for (uint64_t i = total; i-- > 0;) out[i] = bytes[i];
}

void Monitor::clear() {
  if (spool_fd_ >= 0 && spooled_ > 0 && ::ftruncate(spool_fd_, 0) != 0)
    throw Error("cannot truncate the spool file: " + errno_text(), true);
  size_ = 0;
  spooled_ = 0;
  rows_ = 0;
}

npz::StreamedEntry Monitor::entry(const std::string& name) const {
  npz::StreamedEntry e;
  e.name = name;
  e.dtype = dtype_;
  e.shape = shape();
  e.write = [this](const std::function<void(std::span<const uint8_t>)>& put) {
    std::vector<uint8_t> chunk(size_t(std::min<uint64_t>(spooled_, kSpoolChunk)));
    for (uint64_t at = 0; at < spooled_; at += chunk.size()) {
      const size_t n = size_t(std::min<uint64_t>(chunk.size(), spooled_ - at));
      read_bytes(at, n, chunk.data());
      put({chunk.data(), n});
    }
    put({buffer_.get(), size_});
  };
  return e;
}

}  // namespace nf::monitor
