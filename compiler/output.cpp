#include "compiler/output.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <span>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ir/diagnostic.h"
#include "runtime/npz.h"

extern char** environ;

namespace nf::compiler {

namespace {

// Runs argv without a shell and waits; throws with `what` on failure.
void run_tool(const std::vector<std::string>& argv, const std::string& what) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
    throw Error(what + ": cannot run '" + argv[0] + "' (is a C compiler installed? set CC to choose one)");
  int status = 0;
  pid_t waited;
  do waited = waitpid(pid, &status, 0);
  while (waited == -1 && errno == EINTR);
  if (waited != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error(what + ": '" + argv[0] + "' failed");
}

}  // namespace

void write_atomically(const std::string& path, const std::string& bytes) {
  try {
    npz::write_file(path, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  } catch (const std::exception& e) {
    throw Error(std::string("cannot write ") + e.what());
  }
}

void link_shared_library(const std::string& object, const std::string& path) {
  // Unique per call: two threads linking the same path must not share files.
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  std::string obj_path = tmp + ".o";
  write_atomically(obj_path, object);
  const char* cc = std::getenv("CC");
  try {
    run_tool({cc && *cc ? cc : "cc", "-shared", "-o", tmp, obj_path, "-Wl,-z,noexecstack"}, "linking '" + path + "'");
  } catch (...) {
    std::remove(obj_path.c_str());
    std::remove(tmp.c_str());
    throw;
  }
  std::remove(obj_path.c_str());
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "'");
  }
}

}  // namespace nf::compiler
