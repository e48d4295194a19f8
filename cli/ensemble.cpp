// `neurofuse ensemble`: many independent states (members) of one model, each
// with its own seed and run-time parameter values, each run exactly as
// `neurofuse run` runs one (the same code: run_command), spread over MPI
// ranks and gathered into one .npz.
//
// Members are the seeds crossed with the --grid values, numbered seed-major
// (the last --grid varies fastest). Member i runs on rank i % ranks, so every
// rank gets a share of the members whatever their number. A rank runs its
// members one after the other, each into a temporary .npz on its own disk,
// and sends each archive's bytes (or the member's error) to rank 0, which
// receives them in member order and writes the ensemble: values, sums and
// means stacked on a leading member axis, events concatenated with the
// member as their first column. A member that fails is reported with its
// error; the others' results are kept.
//
// Built without MPI (NF_HAVE_MPI undefined), the command runs every member in
// one process, one after the other: the same archive.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#ifdef NF_HAVE_MPI
#include "common/mpi_session.h"
#endif

#include "cli/cli.h"
#include "cli/record_spec.h"
#include "common/read_file.h"
#include "runtime/npz.h"

namespace nf::cli {

namespace {

const char* kEnsembleHelp =
    "usage: neurofuse ensemble FILE --seeds LIST [--grid NAME=V1,V2,...]... --out FILE.npz [run options]\n"
    "\n"
    "Runs many members of one model: every seed of --seeds crossed with every value\n"
    "of each --grid run-time parameter (the last --grid varies fastest). Each member\n"
    "runs exactly as `neurofuse run FILE --seed S --set NAME=V ... [run options]`\n"
    "would run it alone, bit for bit. Started by `mpirun -np N`, the members are\n"
    "spread over the N ranks (member i on rank i % N); without mpirun, or built\n"
    "without MPI, they run one after the other in one process.\n"
    "\n"
    "options:\n"
    "  --seeds LIST          seeds: S, A:B (A to B - 1), or a comma list of both\n"
    "  --grid NAME=V1,V2,... values of run-time parameter NAME (repeatable)\n"
    "  --out FILE.npz        the ensemble: each --record entry of every member,\n"
    "                        values, sums and means as [members, rows, ...],\n"
    "                        events as [events, 3] int32 (member, step, unit);\n"
    "                        ensemble.seed [members] and ensemble.ok [members]\n"
    "                        (0 for a member that failed, whose values are NaN\n"
    "                        or 0), and ensemble.NAME [members] for each --grid\n"
    "  all other options are those of neurofuse run (see neurofuse run --help),\n"
    "  except --seed, --save-state and a second --out\n"
    "\n"
    "A member that fails is reported on stderr with its error, the others' results\n"
    "are kept, and the command exits with status 1.\n";

struct Member {
  uint64_t seed = 0;
  std::vector<std::string> values;  // one per --grid, as written
};

// What a member's run gave: its archive's bytes, or its error.
struct Outcome {
  bool ok = false;
  std::string error;
  std::string bytes;
};

std::vector<uint64_t> parse_seeds(const std::string& list) {
  std::vector<uint64_t> seeds;
  for (const std::string& part : split_list(list)) {
    size_t colon = part.find(':');
    if (colon == std::string::npos) {
      seeds.push_back(parse_number<uint64_t>("--seeds", part));
      continue;
    }
    uint64_t a = parse_number<uint64_t>("--seeds", part.substr(0, colon));
    uint64_t b = parse_number<uint64_t>("--seeds", part.substr(colon + 1));
    if (b <= a) throw Error("--seeds: the range '" + part + "' is empty (A:B runs A to B - 1)");
    if (b - a > 100'000'000) throw Error("--seeds: the range '" + part + "' has more than 10^8 seeds");
    for (uint64_t s = a; s < b; ++s) seeds.push_back(s);
  }
  if (seeds.empty()) throw Error("--seeds: no seed in '" + list + "'");
  return seeds;
}

Outcome run_member(const std::vector<std::string>& run_args, const std::vector<std::string>& grid_names,
                   const Member& m, const std::string& scratch) {
  Outcome o;
  std::vector<std::string> args = run_args;
  args.insert(args.end(), {"--seed", std::to_string(m.seed)});
  for (size_t g = 0; g < grid_names.size(); ++g) args.insert(args.end(), {"--set", grid_names[g] + "=" + m.values[g]});
  args.insert(args.end(), {"--out", scratch});
  try {
    run_command(args, false);
    o.bytes = read_regular_file<std::string>(scratch);
    o.ok = true;
  } catch (const std::bad_alloc&) {
    o.error = "out of memory";
  } catch (const std::exception& e) {
    o.error = e.what();
  }
  std::remove(scratch.c_str());
  return o;
}

// The member's description in messages: "member 3 (seed 5, z.tau=20)".
std::string describe(size_t i, const Member& m, const std::vector<std::string>& grid_names) {
  std::string s = fmt::format("member {} (seed {}", i, m.seed);
  for (size_t g = 0; g < grid_names.size(); ++g) s += ", " + grid_names[g] + "=" + m.values[g];
  return s + ")";
}

// Rank 0: the ensemble archive from every member's outcome.
npz::Entries assemble(const std::vector<Member>& members, const std::vector<std::string>& grid_names,
                      const std::vector<Outcome>& outcomes, const std::map<std::string, bool>& is_events) {
  const size_t n = members.size();
  std::vector<npz::Entries> archives(n);
  for (size_t i = 0; i < n; ++i)
    if (outcomes[i].ok)
      archives[i] = npz::decode_npz({reinterpret_cast<const uint8_t*>(outcomes[i].bytes.data()), outcomes[i].bytes.size()},
                                    "member " + std::to_string(i));
  npz::Entries out;
  auto first_ok = std::find_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.ok; });
  if (first_ok != outcomes.end()) {
    const npz::Entries& model = archives[size_t(first_ok - outcomes.begin())];
    for (size_t e = 0; e < model.size(); ++e) {
      const std::string& name = model[e].first;
      const npz::Array& like = model[e].second;
      auto events = is_events.find(name);
      if (events != is_events.end() && events->second) {
        // [events, 2] (step, unit) per member -> [all events, 3] (member, step, unit)
        npz::Array all;
        all.dtype = npz::DType::I32;
        std::vector<int32_t> rows;
        for (size_t i = 0; i < n; ++i) {
          if (!outcomes[i].ok) continue;
          const npz::Array& a = archives[i][e].second;
          if (archives[i][e].first != name || a.dtype != npz::DType::I32 || a.shape.size() != 2 || a.shape[1] != 2)
            throw Error("ensemble: member " + std::to_string(i) + "'s '" + name + "' is not the (step, unit) events "
                        "its --record asks for");
          for (int64_t k = 0; k < a.shape[0]; ++k) {
            int32_t step_unit[2];
            std::memcpy(step_unit, a.data.data() + 8 * k, 8);
            rows.insert(rows.end(), {int32_t(i), step_unit[0], step_unit[1]});
          }
        }
        all.shape = {int64_t(rows.size() / 3), 3};
        all.data.resize(rows.size() * 4);
        std::memcpy(all.data.data(), rows.data(), all.data.size());
        out.emplace_back(name, std::move(all));
        continue;
      }
      npz::Array stacked;
      stacked.dtype = like.dtype;
      stacked.shape = {int64_t(n)};
      stacked.shape.insert(stacked.shape.end(), like.shape.begin(), like.shape.end());
      const size_t each = like.data.size();
      stacked.data.resize(each * n);
      for (size_t i = 0; i < n; ++i) {
        uint8_t* dst = stacked.data.data() + i * each;
        if (outcomes[i].ok) {
          const npz::Array& a = archives[i][e].second;
          if (archives[i][e].first != name || a.dtype != like.dtype || a.shape != like.shape)
            throw Error("ensemble: member " + std::to_string(i) + "'s '" + name + "' differs in shape from member " +
                        std::to_string(first_ok - outcomes.begin()) + "'s");
          std::memcpy(dst, a.data.data(), each);
        } else if (like.dtype == npz::DType::F32) {
          const float nan = std::nanf("");
          for (size_t k = 0; k < each / 4; ++k) std::memcpy(dst + 4 * k, &nan, 4);
        } else {
          std::memset(dst, 0, each);
        }
      }
      out.emplace_back(name, std::move(stacked));
    }
  }
  npz::Array seeds, ok;
  seeds.dtype = npz::DType::U64;
  seeds.shape = {int64_t(n)};
  seeds.data.resize(8 * n);
  ok.dtype = npz::DType::Bool;
  ok.shape = {int64_t(n)};
  ok.data.resize(n);
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(seeds.data.data() + 8 * i, &members[i].seed, 8);
    ok.data[i] = outcomes[i].ok ? 1 : 0;
  }
  out.emplace_back("ensemble.seed", std::move(seeds));
  out.emplace_back("ensemble.ok", std::move(ok));
  for (size_t g = 0; g < grid_names.size(); ++g) {
    npz::Array v;
    v.dtype = npz::DType::F64;
    v.shape = {int64_t(n)};
    v.data.resize(8 * n);
    for (size_t i = 0; i < n; ++i) {
      double x = std::nan("");
      try {
        x = parse_number<double>("--grid", members[i].values[g]);
      } catch (const Error&) {  // the member failed on it, and says so
      }
      std::memcpy(v.data.data() + 8 * i, &x, 8);
    }
    out.emplace_back("ensemble." + grid_names[g], std::move(v));
  }
  return out;
}

#ifdef NF_HAVE_MPI
// MPI's counts are int: an archive is sent in pieces of at most 1 GiB.
void send_bytes(const std::string& bytes, int to) {
  int64_t size = int64_t(bytes.size());
  MPI_Send(&size, 1, MPI_INT64_T, to, 0, MPI_COMM_WORLD);
  for (int64_t done = 0; done < size;) {
    int piece = int(std::min<int64_t>(size - done, int64_t(1) << 30));
    MPI_Send(bytes.data() + done, piece, MPI_BYTE, to, 0, MPI_COMM_WORLD);
    done += piece;
  }
}

std::string receive_bytes(int from) {
  int64_t size = 0;
  MPI_Recv(&size, 1, MPI_INT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::string bytes(size_t(size), '\0');
  for (int64_t done = 0; done < size;) {
    int piece = int(std::min<int64_t>(size - done, int64_t(1) << 30));
    MPI_Recv(bytes.data() + done, piece, MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    done += piece;
  }
  return bytes;
}
#endif

}  // namespace

int ensemble_command(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return fmt::print("{}", kEnsembleHelp), 0;
  std::vector<std::string> run_args, grid_names, record_texts;
  std::vector<std::vector<std::string>> grid_values;
  std::string seeds_text, out_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Error("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "--seeds") {
      seeds_text = value();
    } else if (a == "--grid") {
      const std::string& v = value();
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw Error("--grid expects NAME=V1,V2,..., got '" + v + "'");
      grid_names.push_back(v.substr(0, eq));
      grid_values.push_back(split_list(v.substr(eq + 1)));
      if (grid_values.back().empty()) throw Error("--grid " + grid_names.back() + ": no value");
    } else if (a == "--out") {
      if (!out_path.empty()) throw Error("ensemble takes one --out, the ensemble's archive");
      out_path = value();
    } else if (a == "--seed" || a == "--save-state") {
      throw Error("ensemble: " + a + " is per member; give the seeds with --seeds (members do not save states)");
    } else if (a == "--partition") {
      throw Error("ensemble: --partition splits one network over the ranks, and an ensemble spreads its members "
                  "over them; run a partitioned member with neurofuse run --partition");
    } else {
      run_args.push_back(a);
      // Options of `run` that take a value pass it on; --record's are kept
      // to tell events (concatenated) from the rest (stacked).
      bool flag = a == "--specialize" || a == "--no-tier" || (a.size() == 3 && a[0] == '-' && a[1] == 'O') || a.empty() || a[0] != '-';
      if (!flag) {
        const std::string& v = value();
        run_args.push_back(v);
        if (a == "--record")
          for (const std::string& r : split_records(v)) record_texts.push_back(r);
      }
    }
  }
  if (seeds_text.empty()) throw Error("ensemble needs --seeds (see neurofuse ensemble --help)");
  if (out_path.empty()) throw Error("ensemble needs --out FILE.npz");
  std::map<std::string, bool> is_events;
  for (const std::string& t : record_texts) {
    RecordSpec r = parse_record(t);
    is_events[r.entry] = r.spec.kind == monitor::Kind::Events;
  }
  std::vector<Member> members;
  for (uint64_t s : parse_seeds(seeds_text)) {
    std::vector<size_t> at(grid_names.size(), 0);
    while (true) {
      Member m{s, {}};
      for (size_t g = 0; g < grid_names.size(); ++g) m.values.push_back(grid_values[g][at[g]]);
      members.push_back(std::move(m));
      size_t g = grid_names.size();
      while (g > 0 && ++at[g - 1] == grid_values[g - 1].size()) at[--g] = 0;
      if (g == 0) break;
    }
  }
  {  // the archive's directory must take it before anything runs
    std::filesystem::path dir = std::filesystem::path(out_path).parent_path();
    if (dir.empty()) dir = ".";
    if (!std::filesystem::is_directory(dir) || access(dir.c_str(), W_OK) != 0)
      throw Error("--out: cannot write '" + out_path + "' (no writable directory '" + dir.string() + "')");
  }

  int rank = 0, ranks = 1;
#ifdef NF_HAVE_MPI
  // MPI only under a launcher (mpirun, srun): started alone, the members run
  // in this process without MPI's start-up.
  const MpiSession mpi;
  rank = mpi.rank();
  ranks = mpi.ranks();
#endif

  auto start = std::chrono::steady_clock::now();
  const char* tmp = std::getenv("TMPDIR");
  const std::string scratch = fmt::format("{}/neurofuse-ensemble-{}-{}.npz", tmp && *tmp ? tmp : "/tmp", getpid(), rank);
  std::vector<Outcome> outcomes(members.size());
  for (size_t i = size_t(rank); i < members.size(); i += size_t(ranks))
    outcomes[i] = run_member(run_args, grid_names, members[i], scratch);

#ifdef NF_HAVE_MPI
  // Every rank's outcomes to rank 0, in member order: ok, the error, the bytes.
  for (size_t i = 0; mpi.active() && i < members.size(); ++i) {
    int owner = int(i % size_t(ranks));
    if (owner == 0) continue;
    if (rank == owner) {
      int32_t ok = outcomes[i].ok ? 1 : 0;
      MPI_Send(&ok, 1, MPI_INT32_T, 0, 0, MPI_COMM_WORLD);
      send_bytes(outcomes[i].error, 0);
      send_bytes(outcomes[i].bytes, 0);
      outcomes[i] = Outcome{};
    } else if (rank == 0) {
      int32_t ok = 0;
      MPI_Recv(&ok, 1, MPI_INT32_T, owner, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      outcomes[i].ok = ok != 0;
      outcomes[i].error = receive_bytes(owner);
      outcomes[i].bytes = receive_bytes(owner);
    }
  }
#endif
  if (rank != 0) return 0;

  size_t failed = 0;
  for (size_t i = 0; i < members.size(); ++i)
    if (!outcomes[i].ok) {
      ++failed;
      print_stderr("{} failed: {}\n", describe(i, members[i], grid_names), outcomes[i].error);
    }
  npz::write_npz(out_path, assemble(members, grid_names, outcomes, is_events));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_stderr("ran {} member{} on {} rank{} in {:.3f} s{}\n", members.size(), members.size() == 1 ? "" : "s", ranks,
               ranks == 1 ? "" : "s", seconds,
               failed ? fmt::format("; {} failed", failed) : std::string());
  return failed ? 1 : 0;
}

}  // namespace nf::cli
