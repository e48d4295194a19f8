// NumPy .npy arrays and .npz archives: the files `neurofuse run` reads drives
// from and writes recordings to, and the format of runtime checkpoints.
//
// An internal C++ module of the runtime (not part of its C API). It needs the
// C++ standard library, POSIX file calls and zlib (to inflate the entries of
// numpy.savez_compressed archives); never LLVM or the IR.
//
// Formats:
//   .npy  numpy/lib/format.py ("NEP 1"): magic "\x93NUMPY", version byte pair,
//         little-endian header length (2 bytes in 1.0, 4 in 2.0 and 3.0), a
//         Python dict literal {'descr', 'fortran_order', 'shape'} padded with
//         spaces and a newline so the data starts at a multiple of 64 bytes,
//         then the raw elements.
//   .npz  a zip archive (PKWARE APPNOTE.TXT) with one NAME.npy entry per array,
//         as numpy.savez (stored) and numpy.savez_compressed (deflate) write it.
//
// Every function is reentrant; nothing is cached between calls. Arguments are
// only borrowed for the duration of a call, and every returned value is owned
// by the caller. Every failure throws nf::npz::Error, whose message starts with
// the file (or the `what` given for in-memory data) and says what is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nf::npz {

// Element types, named after their NumPy descr. The project stores F32, I32,
// Bool and U64 (seeds); U32, F64, I64 and U8 exist so files made by other
// tools can be read and converted, and are written as well.
enum class DType { F32, I32, Bool, U32, F64, I64, U8, U64 };

// Bytes per element: F32 4, I32 4, Bool 1, U32 4, F64 8, I64 8, U8 1, U64 8.
size_t dtype_size(DType dtype);

// The NumPy descr written to headers: "<f4", "<i4", "|b1", "<u4", "<f8",
// "<i8", "|u1", "<u8". (Reading also accepts any byte-order mark on 1-byte types.)
std::string_view dtype_descr(DType dtype);
// A shape as NumPy prints it: "(4, 3)", "(5,)", "()".
std::string shape_text(const std::vector<int64_t>& shape);

// An n-dimensional array.
//   shape: one extent (>= 0) per axis; empty for a scalar, which has one
//          element. An array with a zero extent has no elements.
//   data:  the elements in C (row-major) order, each dtype_size bytes and
//          little-endian whatever the host; a Bool element is one byte, 0 or 1
//          (read verbatim: numpy only writes 0 and 1, other bytes are passed
//          through unchanged). Its size must be num_elements() * dtype_size.
struct Array {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  // The product of the extents (1 for a scalar). Throws Error if an extent is
  // negative or the size in bytes does not fit in int64_t.
  int64_t num_elements() const;
};

// What every function here throws; what() is "FILE: problem".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The file itself could not be opened or read (not a problem of its bytes).
class IoError : public Error {
 public:
  using Error::Error;
};

// Writes `bytes` to `path` atomically: a fresh temporary beside it (unique
// per process and call), fsync, rename; on failure `path` is left alone.
// The writer behind write_npz/write_npy, for any other file too.
void write_file(const std::string& path, std::span<const uint8_t> bytes);

// A one-dimensional float32 array of `values`.
Array f32_array(std::span<const float> values);

// An .npz's contents: (name, array) in archive order. Names are the entry
// names without their ".npy" suffix.
using Entries = std::vector<std::pair<std::string, Array>>;

// Whether the zip writer uses ZIP64 records. IfNeeded (the default) uses them
// only where a classic field cannot hold a value: an entry or offset of 4 GiB
// or more, 65535 entries or more. Always exists so the ZIP64 paths can be
// tested without 4 GiB files; readers (ours, numpy's) accept both.
enum class Zip64 { IfNeeded, Always };

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as zip uses it.
// Chainable: crc32(b, crc32(a)) == crc32(a followed by b). crc32("123456789")
// is 0xCBF43926; crc32 of nothing is 0.
uint32_t crc32(std::span<const uint8_t> bytes, uint32_t crc = 0);

// The .npy file of `array`: format 1.0 (2.0 only if the header needs more than
// 64 KiB), header bytes identical to numpy >= 1.24's np.save.
// Errors: "WHAT: array data is N bytes but shape (..) of dtype <f4 needs M
// bytes", "WHAT: shape (..) has a negative extent", "WHAT: shape (..) is too
// large".
std::vector<uint8_t> encode_npy(const Array& array, const std::string& what = "array");

// Parses a whole .npy file held in memory; `what` names it in messages.
// Accepts versions 1.0, 2.0 and 3.0 and any header numpy writes (key order,
// spacing, trailing commas, old 16-byte alignment, Python 2 "3L" integers).
// Errors: not a .npy file (no magic), unsupported version, truncated header,
// malformed header (with the offending offset and the header text), missing
// or unexpected keys, unsupported dtype, fortran_order True, a shape that is
// not a tuple of non-negative integers or is too large, and data shorter or
// longer than the shape needs ("data is N bytes but shape (..) of dtype <f4
// needs M bytes").
Array decode_npy(std::span<const uint8_t> bytes, const std::string& what);

// Reads the .npy file at `path`: the errors of decode_npy, plus those of
// reading a regular file (common/read_file.h): "PATH: cannot open: REASON",
// "PATH: is a directory", "PATH: not a regular file", "PATH: read failed:
// REASON".
Array read_npy(const std::string& path);

// Writes `array` as a .npy file at `path`, atomically: the bytes go to a new
// temporary file ".NAME.tmp.HOST.PID.N" in the same directory, which is
// fsynced and then renamed over `path` (and the directory fsynced, best
// effort). A process killed mid-save leaves its temporary behind: each save
// of NAME first removes those of NAME whose process (on this HOST) is gone.
// On any
// failure the previous file at `path`, if any, is untouched, no temporary file
// is left behind, and Error is thrown: the errors of encode_npy, or
// "PATH: not a file name" (PATH ends in '/', '.' or '..'), "PATH: cannot
// create a temporary file in DIR: REASON", "PATH: write failed: REASON",
// "PATH: fsync failed: REASON", "PATH: close failed: REASON", "PATH: cannot
// rename the temporary file into place: REASON". The file gets mode 0666 less
// the umask (an existing file's mode is not kept).
void write_npy(const std::string& path, const Array& array);

// The .npz archive of `entries`, in order: entries stored uncompressed, CRCs
// set, fixed timestamp 1980-01-01 00:00 (so equal inputs give equal bytes).
// Errors: an empty name, a name with a NUL byte, a name too long for zip
// (over 65531 bytes), a duplicate name, and the errors of encode_npy
// (prefixed "WHAT: entry 'NAME.npy'").
std::vector<uint8_t> encode_npz(const Entries& entries, Zip64 zip64 = Zip64::IfNeeded,
                                const std::string& what = "archive");

// Called for each entry of an archive being decoded, before its data is
// inflated or decoded: its name (without ".npy") and the size its .npy file
// declares (the uncompressed size in the zip directory). It throws Error to
// refuse the entry, which bounds what a hostile archive can make a reader
// inflate (a 1 MB deflate bomb declares gigabytes) by what the reader can use.
using EntryFilter = std::function<void(const std::string& name, uint64_t npy_bytes)>;

// The most bytes a .npy header (magic, version, length and dict) takes in the
// 1.0 format: what an entry may need beyond its data.
inline constexpr uint64_t kMaxNpyHeaderBytes = 10 + 65535;

// Parses a whole .npz archive held in memory; `what` names it in messages.
// Reads stored and deflate entries and ZIP64 archives; verifies every CRC.
// Errors: "not a zip archive", truncated or corrupt archive (no end record,
// directory or entry data outside the file, bad signatures, bad deflate data),
// multi-disk archives, encrypted entries, compression methods other than
// stored and deflate, an entry name not ending in ".npy", duplicate names, a
// CRC mismatch (both values), and the errors of decode_npy for each entry
// (prefixed "WHAT: entry 'NAME.npy'"), and those `accept` throws.
Entries decode_npz(std::span<const uint8_t> bytes, const std::string& what, const EntryFilter& accept = {});

// Reads the .npz archive at `path`: the errors of decode_npz and of reading a
// file (see read_npy).
Entries read_npz(const std::string& path, const EntryFilter& accept = {});

// Writes `entries` as an .npz archive at `path`, atomically as write_npy does,
// streaming the array data to the file without an in-memory copy. Errors: those
// of encode_npz (checked before any file is created) and of write_npy's file
// handling.
void write_npz(const std::string& path, const Entries& entries, Zip64 zip64 = Zip64::IfNeeded);

// An entry whose data is not held in memory (a recording spooled to disk): its
// name, dtype and shape, and `write`, which hands the data to `put` in
// pieces, in order, when the archive is written (its CRC-32 is computed on
// the way and set in the entry's header after it).
struct StreamedEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::function<void(const std::function<void(std::span<const uint8_t>)>& put)> write;
};

// Writes streamed entries as an .npz archive at `path`, atomically as
// write_npy does, holding none of their data in memory. Errors: those of
// write_npz, and a `write` that produces more or fewer bytes than the shape
// needs (the archive is then not written); whatever `write` throws.
void write_npz(const std::string& path, const std::vector<StreamedEntry>& entries, Zip64 zip64 = Zip64::IfNeeded);

}  // namespace nf::npz
