#include "compiler/object_cache.h"

#include <cstdio>
#include <filesystem>

#include <llvm/Config/llvm-config.h>
#include <llvm/Target/TargetMachine.h>

#include "common/read_file.h"
#include "compiler/fingerprint.h"
#include "compiler/output.h"
#include "ir/equality.h"
#include "ir/printer.h"
#include "neurofuse/module.h"

namespace nf::compiler {

namespace {

// The compiler that made an object: release, module ABI, LLVM, and the
// fingerprint of the sources that decide the code.
#define NF_STRINGIFY_(x) #x
#define NF_STRINGIFY(x) NF_STRINGIFY_(x)
constexpr const char* kCompilerVersion = "neurofuse-0.1.0/abi-" NF_STRINGIFY(NF_MODULE_ABI_VERSION) "/llvm-" LLVM_VERSION_STRING
                                         "/" NF_COMPILER_FINGERPRINT;

// A cached file, or "" when there is none (or it cannot be read).
std::string read_cached(const std::string& path) {
  try {
    return read_regular_file<std::string>(path, uint64_t(1) << 30);
  } catch (const FileReadError&) {
    return "";
  }
}

// Where the object of `key_text` lives ("" without a cache directory).
std::string object_path(const std::string& key_text) {
  std::string dir = cache_directory();
  if (dir.empty()) return "";
  char key[17];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(ir::fnv1a64(key_text)));
  return dir + "/" + key + ".o";
}

}  // namespace

std::string cache_directory() {
  if (const char* d = std::getenv("NEUROFUSE_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/neurofuse";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/neurofuse";
  return "";
}

std::string cache_key_text(const ir::Program& program, const BuildOptions& options, const Target& target) {
  return std::string(kCompilerVersion) + "\n" + target.description + "\n" +
         target.machine->getTargetFeatureString().str() + "\nO" + std::to_string(options.opt_level) +
         "\nfactors>=" + std::to_string(options.factor_min_elements) +
         "\nevents>=" + std::to_string(options.event_min_elements) + "\n" + options.model_name + "\n" +
         ir::print(program);
}

std::string cached_object(const std::string& key_text) {
  std::string path = object_path(key_text);
  if (path.empty()) return "";
  std::string object = read_cached(path);
  return !object.empty() && read_cached(path + ".key") == key_text ? object : "";
}

void store_object(const std::string& key_text, const std::string& object) {
  std::string path = object_path(key_text);
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(cache_directory(), ec);
  try {
    write_atomically(path + ".key", key_text);
    write_atomically(path, object);
  } catch (const Error&) {
    // A cache that cannot be written only costs the next run a compilation.
  }
}

}  // namespace nf::compiler
