// Monitors and aliases through the runtime's C API (neurofuse/runtime.h):
// every kind of record equals the dense per-step recording it summarizes
// (events the nonzeros, subsets and every-N slices, sums and means the
// interpreter's own `sum` and `mean` over the same rows); spooled recordings
// equal in-memory ones and stream into archives NumPy's format describes;
// failures stop a scan cleanly and leave what was recorded.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/resource.h>

#include <cstring>
#include <filesystem>

#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "ir/interpreter.h"
#include "ir/parser.h"
#include "neurofuse/runtime.hpp"
#include "runtime/npz.h"
#include "temp_dir.h"

using Catch::Contains;
using nf::test::TempDir;

namespace {

// Spikes from a Bernoulli source through a dense synapse into LIF units; z1.j
// is wired from the synapse, tr.inputs from the sum of two compartments.
const char* kSpiking = R"(
model spiking {
  seed = 3
  z0 = BernoulliCell(n_units=24)
  W = StaticSynapse(shape=(24, 40), weight_init=uniform(0.0, 0.9))
  z1 = LIFCell(n_units=40, tau_m=8.0, resist_m=5.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0)
  tr = VarTrace(n_units=40, tau_tr=12.0, a_delta=1.0)
  z0.outputs >> W.inputs
  W.outputs >> z1.j
  sum(z1.s, z1.v) >> tr.inputs
  process advance = z0.advance_state >> W.advance_state >> z1.advance_state >> tr.advance_state
}
)";

constexpr int kSteps = 300;

nf::ir::Program spiking() { return nf::frontend::compile_model_text(kSpiking, "spiking.nf"); }

nf::Module jit(const nf::ir::Program& p) { return nf::Module(nf::compiler::jit_module(p)); }

// A state of `module` whose input fires with probability 0.3.
nf::State driven(const nf::Module& module) {
  nf::State s(module, 11);
  std::span<float> in = s.f32("z0.inputs");
  std::fill(in.begin(), in.end(), 0.3f);
  return s;
}

// The dense per-step recording of `name` over kSteps steps (nf_state_scan's records).
std::vector<uint32_t> dense(const nf::Module& module, const std::string& name) {
  nf::State s = driven(module);
  std::vector<uint32_t> rows(size_t(kSteps) * size_t(module.compartment(name).bytes / 4));
  s.scan({"advance"}, 0.0, 1.0, kSteps, {}, {{name.c_str(), rows.data()}});
  return rows;
}

nf_monitor_spec spec(const char* name, int32_t kind, int64_t every = 1, int64_t start = 0,
                     const std::vector<int64_t>* units = nullptr, const char* spool = nullptr) {
  return {name, kind, every, start, units ? units->data() : nullptr, units ? int64_t(units->size()) : 0, spool};
}

float f32(uint32_t w) { return std::bit_cast<float>(w); }

// What the interpreter's `sum` or `mean` over axis 0 gives for `values`.
uint32_t interpreter_reduction(const std::vector<uint32_t>& values, nf::ir::DType dtype, bool mean) {
  const std::string type = std::string(dtype == nf::ir::DType::F32 ? "f32" : "i32");
  const std::string n = std::to_string(values.size());
  const std::string text = "compartment x.v : " + type + "[" + n + "] input = 0\n" +
                           "compartment x.out : " + (mean ? "f32" : type) + "[] output = 0\n" +
                           "process reduce {\n  %v = read x.v : " + type + "[" + n + "]\n" +
                           "  %s = " + (mean ? "mean" : "sum") + " %v {axis = 0} : " + (mean ? "f32" : type) +
                           "[]\n  write x.out, %s\n}\n";
  const nf::ir::Program p = nf::ir::parse_program(text, "reduce.nfir");
  nf::ir::State s = nf::ir::State::initial(p, 0);
  nf::ir::Tensor t(nf::ir::Type{dtype, nf::ir::Shape({int64_t(values.size())})});
  t.words = values;
  s.set("x.v", t);
  nf::ir::run_process(p, "reduce", s, 0.0, 1.0);
  return s.get("x.out").words[0];
}

}  // namespace

TEST_CASE("every kind of monitor equals the dense recording it summarizes", "[monitor]") {
  const nf::Module module = jit(spiking());
  const int64_t n = 40;
  const std::vector<uint32_t> spikes = dense(module, "z1.s"), volts = dense(module, "z1.v");
  // The run spikes, but not always: the test sees both.
  const auto fired = std::count_if(spikes.begin(), spikes.end(), [](uint32_t w) { return w != 0; });
  REQUIRE(fired > 100);
  REQUIRE(fired < int64_t(spikes.size()) / 2);

  nf::State s = driven(module);
  const std::vector<int64_t> some = {37, 0, 5, 5, 12};
  nf::Monitor all(s, spec("z1.v", NF_MONITOR_VALUES));
  nf::Monitor every(s, spec("z1.v", NF_MONITOR_VALUES, 7, 3));
  nf::Monitor subset(s, spec("z1.v", NF_MONITOR_VALUES, 1, 0, &some));
  nf::Monitor events(s, spec("z1.s", NF_MONITOR_EVENTS));
  nf::Monitor subset_events(s, spec("z1.s", NF_MONITOR_EVENTS, 1, 0, &some));
  nf::Monitor count(s, spec("z1.s", NF_MONITOR_SUM));
  nf::Monitor rate(s, spec("z1.s", NF_MONITOR_MEAN, 2, 1));
  nf::Monitor volt_sum(s, spec("z1.v", NF_MONITOR_SUM, 1, 0, &some));
  nf::Monitor volt_mean(s, spec("z1.v", NF_MONITOR_MEAN));
  // In pieces, as a host that shows progress scans: the monitors see one run.
  s.scan({"advance"}, 0.0, 1.0, 120);
  s.scan({"advance"}, 0.0, 1.0, kSteps - 120, {}, {}, 120);

  CHECK(all.read() == volts);
  REQUIRE(every.rows() == (kSteps - 3 + 6) / 7);
  for (int64_t r = 0; r < every.rows(); ++r) {
    const std::vector<uint32_t> row = every.read(r, 1);
    CHECK(std::equal(row.begin(), row.end(), volts.begin() + (3 + 7 * r) * n));
  }
  REQUIRE(subset.rows() == kSteps);
  REQUIRE(subset.row_elements() == int64_t(some.size()));
  const std::vector<uint32_t> sub = subset.read();
  for (int64_t k = 0; k < kSteps; ++k)
    for (size_t u = 0; u < some.size(); ++u) CHECK(sub[size_t(k) * some.size() + u] == volts[size_t(k * n + some[u])]);

  std::vector<uint32_t> want_events, want_subset_events;
  for (int64_t k = 0; k < kSteps; ++k) {
    for (int64_t u = 0; u < n; ++u)
      if (f32(spikes[size_t(k * n + u)]) != 0.0f) want_events.insert(want_events.end(), {uint32_t(k), uint32_t(u)});
    for (int64_t u : some)
      if (f32(spikes[size_t(k * n + u)]) != 0.0f) want_subset_events.insert(want_subset_events.end(), {uint32_t(k), uint32_t(u)});
  }
  CHECK(events.rows() == fired);
  CHECK(events.dtype() == NF_I32);
  CHECK(events.read() == want_events);
  CHECK(subset_events.read() == want_subset_events);

  const std::vector<uint32_t> counts = count.read(), rates = rate.read(), vsums = volt_sum.read(),
                              vmeans = volt_mean.read();
  REQUIRE(counts.size() == size_t(kSteps));
  REQUIRE(rates.size() == size_t(kSteps / 2));
  for (int64_t k = 0; k < kSteps; ++k) {
    const std::vector<uint32_t> s_row(spikes.begin() + k * n, spikes.begin() + (k + 1) * n);
    const std::vector<uint32_t> v_row(volts.begin() + k * n, volts.begin() + (k + 1) * n);
    std::vector<uint32_t> v_some;
    for (int64_t u : some) v_some.push_back(v_row[size_t(u)]);
    CHECK(counts[size_t(k)] == interpreter_reduction(s_row, nf::ir::DType::F32, false));
    if (k % 2 == 1) CHECK(rates[size_t(k / 2)] == interpreter_reduction(s_row, nf::ir::DType::F32, true));
    CHECK(vsums[size_t(k)] == interpreter_reduction(v_some, nf::ir::DType::F32, false));
    CHECK(vmeans[size_t(k)] == interpreter_reduction(v_row, nf::ir::DType::F32, true));
  }
}

TEST_CASE("i32 and bool compartments: values, events, sums and means", "[monitor]") {
  // A counter (i32) that wraps past INT32_MAX and flags (bool) that toggle.
  const nf::ir::Program p = nf::ir::parse_program(R"(
compartment c.n : i32[3] state = 2147483640
compartment c.flag : bool[3] state = false
compartment c.step : i32[] state = 0
alias c.twice = add(c.n, c.n)
process tick {
  %n = read c.n : i32[3]
  %i = iota {axis = 0} : i32[3]
  %n1 = add %n, %i : i32[3]
  write c.n, %n1
  %k = read c.step : i32[]
  %one = const 1 : i32[]
  %k1 = add %k, %one : i32[]
  write c.step, %k1
  %f0 = read c.flag : bool[3]
  %no = const false : bool[3]
  %t = eq %f0, %no : bool[3]
  %lim = broadcast %k1 : i32[3]
  %grow = lt %i, %lim : bool[3]
  %f = and %t, %grow : bool[3]
  write c.flag, %f
}
)", "counter.nfir");
  const nf::Module module = jit(p);
  nf::State s(module, 0);
  nf::Monitor values(s, spec("c.n", NF_MONITOR_VALUES));
  nf::Monitor sum(s, spec("c.n", NF_MONITOR_SUM));
  nf::Monitor mean(s, spec("c.n", NF_MONITOR_MEAN));
  nf::Monitor flags(s, spec("c.flag", NF_MONITOR_VALUES));
  nf::Monitor flag_events(s, spec("c.flag", NF_MONITOR_EVENTS));
  nf::Monitor flag_count(s, spec("c.flag", NF_MONITOR_SUM));
  nf::Monitor twice(s, spec("c.twice", NF_MONITOR_VALUES));
  s.scan({"tick"}, 0.0, 1.0, 6);

  nf::ir::State ref = nf::ir::create_state(p, 0);
  CHECK(flags.dtype() == NF_BOOL);
  CHECK(sum.dtype() == NF_I32);
  CHECK(flag_count.dtype() == NF_I32);
  CHECK(mean.dtype() == NF_F32);
  std::vector<uint32_t> want_events;
  for (int64_t k = 0; k < 6; ++k) {
    nf::ir::run_process(p, "tick", ref, double(k), 1.0);
    const std::vector<uint32_t> n = ref.get("c.n").words, f = ref.get("c.flag").words;
    CHECK(values.read(k, 1) == n);
    CHECK(twice.read(k, 1) == nf::ir::read_value(p, ref, "c.twice").words);
    CHECK(sum.read(k, 1)[0] == interpreter_reduction(n, nf::ir::DType::I32, false));
    CHECK(f32(mean.read(k, 1)[0]) == float(int32_t(n[0] + n[1] + n[2])) / 3.0f);
    CHECK(flags.read(k, 1) == f);
    CHECK(flag_count.read(k, 1)[0] == f[0] + f[1] + f[2]);
    for (uint32_t u = 0; u < 3; ++u)
      if (f[u]) want_events.insert(want_events.end(), {uint32_t(k), u});
  }
  CHECK(int32_t(values.read(5, 1)[2]) < 0);  // it wrapped
  CHECK(flag_events.read() == want_events);

  // In the archive: NumPy's dtypes (bool as one byte) and shapes.
  TempDir dir;
  nf::Monitor::save(dir / "m.npz", {&values, &flags, &flag_events, &mean});
  const nf::npz::Entries e = nf::npz::read_npz(dir / "m.npz");
  REQUIRE(e.size() == 4);
  CHECK(e[0].first == "c.n");
  CHECK(e[1].first == "c.flag");
  CHECK(e[1].second.dtype == nf::npz::DType::Bool);
  CHECK(e[1].second.shape == std::vector<int64_t>{6, 3});
  CHECK(e[2].first == "c.flag:events");
  CHECK(e[2].second.shape == std::vector<int64_t>{int64_t(want_events.size() / 2), 2});
  CHECK(e[3].first == "c.n:mean");
  CHECK(e[3].second.shape == std::vector<int64_t>{6});
  for (int64_t k = 0; k < 6; ++k)
    for (int64_t u = 0; u < 3; ++u) CHECK(e[1].second.data[size_t(k * 3 + u)] == flags.read(k, 1)[size_t(u)]);
}

TEST_CASE("wired names read their sources and refuse writes", "[monitor][alias]") {
  const nf::ir::Program p = spiking();
  const nf::Module module = jit(p);
  REQUIRE(p.find_alias("z1.j"));
  REQUIRE(p.find_alias("tr.inputs"));
  nf::State s = driven(module);
  nf::ir::State ref = nf::ir::create_state(p, 11);
  nf::ir::Tensor in = ref.get("z0.inputs");
  for (uint32_t& w : in.words) w = std::bit_cast<uint32_t>(0.3f);
  ref.set("z0.inputs", in);
  for (int k = 0; k < 20; ++k) {
    s.step("advance", double(k), 1.0);
    nf::ir::run_process(p, "advance", ref, double(k), 1.0);
  }
  // A direct wire and a sum of two, as compiled and as the interpreter reads them.
  CHECK(s.read_words("z1.j") == s.read_words("W.outputs"));
  CHECK(s.read_words("z1.j") == nf::ir::read_value(p, ref, "z1.j").words);
  CHECK(s.read_words("tr.inputs") == nf::ir::read_value(p, ref, "tr.inputs").words);
  CHECK(module.compartment("z1.j").bytes == 40 * 4);

  std::vector<float> x(40, 1.0f);
  CHECK(nf_state_write(s.get(), "z1.j", NF_F32, x.data(), 40) == NF_ERROR_WIRED);
  CHECK_THAT(nf_last_error(), Contains("'z1.j' is wired from 'W.outputs'"));
  CHECK(nf_state_write(s.get(), "tr.inputs", NF_F32, x.data(), 40) == NF_ERROR_WIRED);
  CHECK_THAT(nf_last_error(), Contains("wired from 'z1.s', 'z1.v'"));
  void* data = nullptr;
  CHECK(nf_state_compartment(s.get(), "z1.j", &data, nullptr, nullptr) == NF_ERROR_WIRED);
  // Refused as wired whatever else is wrong with the write, and from a file too.
  CHECK(nf_state_write(s.get(), "z1.j", NF_I32, x.data(), 3) == NF_ERROR_WIRED);
  TempDir dir;
  nf::State scratch = driven(module);
  scratch.save(dir / "s.npz");
  const nf::npz::Entries saved = nf::npz::read_npz(dir / "s.npz");
  for (const auto& [name, array] : saved)
    if (name == "W.outputs") nf::npz::write_npy(dir / "j.npy", array);
  CHECK(nf_state_load_npy(s.get(), "z1.j", (dir / "j.npy").c_str()) == NF_ERROR_WIRED);
  CHECK_THAT(nf_last_error(), Contains("nf_state_load_npy: 'z1.j' is wired from 'W.outputs'"));
  nf_io drive{"z1.j", x.data()};
  const std::vector<uint32_t> before = s.read_words("z1.v");
  const char* proc = "advance";
  CHECK(nf_state_scan(s.get(), &proc, 1, 0.0, 1.0, 0, 1, &drive, 1, nullptr, 0) == NF_ERROR_WIRED);
  CHECK(s.read_words("z1.v") == before);  // nothing ran
  // A misspelt name suggests the alias.
  CHECK(nf_state_read(s.get(), "z1.jj", NF_F32, x.data(), 40) == NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_last_error(), Contains("did you mean 'z1.j'?"));
  nf_monitor* m = nullptr;
  const nf_monitor_spec bad = spec("z1.jj", NF_MONITOR_VALUES);
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_last_error(), Contains("did you mean 'z1.j'?"));
  // Records of aliases, dense and by monitor.
  std::vector<uint32_t> rows(40 * 5);
  nf::Monitor wired(s, spec("z1.j", NF_MONITOR_VALUES));
  s.scan({"advance"}, 0.0, 1.0, 5, {}, {{"tr.inputs", rows.data()}}, 20);
  for (int k = 20; k < 25; ++k) nf::ir::run_process(p, "advance", ref, double(k), 1.0);
  CHECK(std::vector<uint32_t>(rows.end() - 40, rows.end()) == nf::ir::read_value(p, ref, "tr.inputs").words);
  CHECK(wired.read(4, 1) == nf::ir::read_value(p, ref, "z1.j").words);
}

TEST_CASE("spooled monitors equal in-memory ones and stream into archives", "[monitor]") {
  const nf::Module module = jit(spiking());
  TempDir spool, out;
  nf::State a = driven(module), b = driven(module);
  // Every row of W.outputs-fed voltages and every spike: a few MiB, several spool chunks.
  nf::Monitor memory_v(a, spec("z1.v", NF_MONITOR_VALUES));
  nf::Monitor memory_e(a, spec("z1.s", NF_MONITOR_EVENTS));
  const std::string dir = spool.path.string();
  nf::Monitor spooled_v(b, spec("z1.v", NF_MONITOR_VALUES, 1, 0, nullptr, dir.c_str()));
  nf::Monitor spooled_e(b, spec("z1.s", NF_MONITOR_EVENTS, 1, 0, nullptr, dir.c_str()));
  const int64_t steps = 20000;  // 3.2 MB of voltages
  a.scan({"advance"}, 0.0, 1.0, steps);
  b.scan({"advance"}, 0.0, 1.0, steps);
  CHECK(spool.names().empty());  // spool files have no name
  REQUIRE(spooled_v.rows() == steps);
  CHECK(spooled_v.read() == memory_v.read());
  CHECK(spooled_e.read() == memory_e.read());
  // Across the boundary between the file and memory.
  CHECK(spooled_v.read(6000, 10000) == memory_v.read(6000, 10000));

  nf::Monitor::save(out / "a.npz", {&memory_v, &memory_e}, {"v", "spikes"});
  nf::Monitor::save(out / "b.npz", {&spooled_v, &spooled_e}, {"v", "spikes"});
  const nf::npz::Entries ea = nf::npz::read_npz(out / "a.npz"), eb = nf::npz::read_npz(out / "b.npz");  // CRCs checked
  REQUIRE(eb.size() == 2);
  CHECK(eb[0].second.shape == std::vector<int64_t>{steps, 1, 40});
  CHECK(eb[0].second.data == ea[0].second.data);
  CHECK(eb[1].second.data == ea[1].second.data);
  CHECK(eb[1].second.shape == std::vector<int64_t>{memory_e.rows(), 2});

  // Read and cleared in pieces, a host keeps memory bounded without files.
  nf::State c = driven(module);
  nf::Monitor pieces(c, spec("z1.s", NF_MONITOR_EVENTS));
  std::vector<uint32_t> joined;
  for (int64_t k = 0; k < steps; k += 2500) {
    c.scan({"advance"}, 0.0, 1.0, 2500, {}, {}, k);
    std::vector<uint32_t> rows = pieces.read();
    joined.insert(joined.end(), rows.begin(), rows.end());
    pieces.clear();
    CHECK(pieces.rows() == 0);
  }
  CHECK(joined == memory_e.read());
}

TEST_CASE("monitor misuse is an error that changes nothing", "[monitor]") {
  const nf::Module module = jit(spiking());
  nf::State s = driven(module);
  nf_monitor* m = nullptr;
  const std::vector<int64_t> outside = {3, 40};
  nf_monitor_spec bad = spec("z1.v", NF_MONITOR_VALUES, 1, 0, &outside);
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_last_error(), Contains("unit 40 is outside the compartment's 40 elements"));
  bad = spec("z1.v", 7);
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_last_error(), Contains("unknown kind 7"));
  const std::vector<int64_t> none;
  bad = spec("z1.v", NF_MONITOR_SUM, 1, 0, &none);
  bad.units = outside.data();  // a list, of no units
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_last_error(), Contains("the unit list is empty"));
  bad = spec("z1.v", NF_MONITOR_SUM, -2);
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_INVALID_ARGUMENT);
  bad = spec("z1.v", NF_MONITOR_SUM, 1, -1);
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_INVALID_ARGUMENT);
  bad = spec("z1.v", NF_MONITOR_VALUES, 1, 0, nullptr, "/nonexistent/spool");
  CHECK(nf_monitor_create(s.get(), &bad, &m) == NF_ERROR_IO);
  CHECK_THAT(nf_last_error(), Contains("cannot make a spool file in '/nonexistent/spool'"));
  CHECK(m == nullptr);

  // Events name steps as int32: a scan that would pass 2^31 - 1 is refused before it runs.
  nf::Monitor events(s, spec("z1.s", NF_MONITOR_EVENTS));
  const std::vector<uint32_t> before = s.read_words("z1.v");
  const char* proc = "advance";
  CHECK(nf_state_scan(s.get(), &proc, 1, 0.0, 1.0, INT32_MAX - 1, 5, nullptr, 0, nullptr, 0) ==
        NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_last_error(), Contains("names steps as int32"));
  CHECK(s.read_words("z1.v") == before);
  // One that records rarely enough to stay below 2^31 - 1 may go past it.
  nf::State far = driven(module);
  nf::Monitor rare(far, spec("z1.s", NF_MONITOR_EVENTS, (int64_t(1) << 31) + 10, 0));
  CHECK(nf_state_scan(far.get(), &proc, 1, 0.0, 1.0, INT32_MAX - 1, 5, nullptr, 0, nullptr, 0) == NF_OK);

  uint32_t row[80];
  CHECK(nf_monitor_read(events.get(), 0, 1, row) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_state_last_error(s.get()), Contains("not all recorded"));
  // Saving: two entries of one name, or a directory that does not exist.
  TempDir dir;
  nf_monitor* two[] = {events.get(), events.get()};
  CHECK(nf_monitor_save((dir / "x.npz").c_str(), two, nullptr, 2) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_last_error(), Contains("two monitors are named 'z1.s:events'"));
  CHECK(nf_monitor_save((dir / "no/x.npz").c_str(), two, nullptr, 1) == NF_ERROR_IO);
  CHECK(dir.names().empty());

  // A monitor destroyed stops recording; the state scans on, and the others
  // record what the dense recording of the same steps says.
  {
    nf::Monitor gone(s, spec("z1.v", NF_MONITOR_VALUES));
  }
  s.scan({"advance"}, 0.0, 1.0, 40);
  nf::State same = driven(module);
  std::vector<uint32_t> dense_spikes(40 * 40);
  same.scan({"advance"}, 0.0, 1.0, 40, {}, {{"z1.s", dense_spikes.data()}});
  const auto fired = std::count_if(dense_spikes.begin(), dense_spikes.end(), [](uint32_t w) { return w != 0; });
  REQUIRE(fired > 0);
  CHECK(events.rows() == fired);

  // A C++ monitor keeps its state, and the state its module, alive.
  std::unique_ptr<nf::Monitor> survivor;
  std::vector<uint32_t> want;
  {
    const nf::Module alone = jit(spiking());
    nf::State t = driven(alone);
    survivor = std::make_unique<nf::Monitor>(t, spec("z1.v", NF_MONITOR_SUM));
    t.scan({"advance"}, 0.0, 1.0, 4);
    want = survivor->read();
  }
  CHECK(survivor->read() == want);
  CHECK(survivor->rows() == 4);
}

TEST_CASE("a monitor that cannot write stops the scan after that step and keeps its rows", "[monitor]") {
  const nf::Module module = jit(spiking());
  TempDir spool;
  nf::State s = driven(module);
  const std::string dir = spool.path.string();
  nf::Monitor v(s, spec("z1.v", NF_MONITOR_VALUES, 1, 0, nullptr, dir.c_str()));
  nf::Monitor e(s, spec("z1.s", NF_MONITOR_EVENTS));
  // Files may grow to 1.5 MiB: the second spooled chunk fails (EFBIG).
  struct rlimit old{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 3 << 19;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  const char* proc = "advance";
  const nf_status status = nf_state_scan(s.get(), &proc, 1, 0.0, 1.0, 0, 100000, nullptr, 0, nullptr, 0);
  const std::string message = nf_last_error();
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);
  REQUIRE(status == NF_ERROR_IO);
  CHECK_THAT(message, Contains("the scan stopped after step"));
  CHECK_THAT(message, Contains("cannot write the spool file"));
  // 160 bytes a row: the first chunk (6554 rows) went to the file, the
  // second could not; every step before the stop is kept, by both monitors.
  const int64_t last = std::stoll(message.substr(message.find("after step ") + 11));
  CHECK(last == 2 * 6554 - 1);
  CHECK(v.rows() == last);  // the failing step's row is not kept, nor the later monitor's
  nf::State fresh = driven(module);
  nf::Monitor want(fresh, spec("z1.s", NF_MONITOR_EVENTS));
  fresh.scan({"advance"}, 0.0, 1.0, last);
  CHECK(e.read() == want.read());
}
