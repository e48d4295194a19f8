// Reading a whole file, bounded: the one way the project reads model text,
// IR text, .npy/.npz files and cached objects. Header-only (POSIX calls), so
// that the front end, the compiler and the runtime share it.
//
// Only a regular file is read (a device such as /dev/zero, a FIFO or a
// directory is refused before a byte is read), and never more than the size
// the file had when it was opened or `max_bytes`, whichever is smaller: a
// file larger than `max_bytes` is refused without reading it, and one that
// grows while it is read is refused.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace nf {

// What read_regular_file throws; what() is "PATH: problem".
class FileReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Model and IR text files are at most this large (a stated limit: the
// largest model text the project ships is a few kilobytes).
inline constexpr uint64_t kMaxTextFileBytes = uint64_t(256) << 20;

// The bytes of the regular file at `path`, into a Bytes (std::string or
// std::vector<uint8_t>). Errors: "PATH: cannot open: REASON", "PATH: is a
// directory", "PATH: not a regular file", "PATH: is N bytes, more than the
// limit of M bytes", "PATH: read failed: REASON", "PATH: changed while it
// was read".
template <class Bytes>
Bytes read_regular_file(const std::string& path, uint64_t max_bytes = std::numeric_limits<uint64_t>::max()) {
  auto fail = [&](const std::string& why) -> void { throw FileReadError(path + ": " + why); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block the open
  if (fd < 0) fail("cannot open: " + std::string(std::strerror(errno)));
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("cannot stat: " + std::string(std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) fail("is a directory");
  if (!S_ISREG(st.st_mode)) fail("not a regular file");
  const uint64_t size = uint64_t(st.st_size);
  if (size > max_bytes)
    fail("is " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_bytes) + " bytes");
  Bytes bytes;
  bytes.resize(size_t(size) + 1);  // one byte more, to see a file that grew
  size_t used = 0;
  while (used < bytes.size()) {
    const ssize_t n = ::read(fd, reinterpret_cast<char*>(bytes.data()) + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read failed: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    used += size_t(n);
  }
  if (used != size) fail("changed while it was read");
  bytes.resize(used);
  return bytes;
}

}  // namespace nf
