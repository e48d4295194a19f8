// The runtime's C API (neurofuse/runtime.h): every function, every failure
// path, concurrency, and checkpoints that round-trip bit for bit and that
// numpy reads.
#include <catch2/catch.hpp>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include "compiler/build.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "ir/builder.h"
#include "ir/interpreter.h"
#include "neurofuse/runtime.hpp"
#include "temp_dir.h"

using Catch::Contains;
using nf::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* kModel = R"(
model probe {
  seed = 5
  z = BernoulliCell(n_units=4)
  W = MSTDPETSynapse(shape=(4, 3), A_plus=1.0, A_minus=0.5, eta=0.1, tau_elg=20.0, weight_init=uniform(0.0, 1.0))
  tr = VarTrace(n_units=4, tau_tr=10.0, a_delta=1.0)
  z.outputs >> W.inputs
  z.outputs >> W.preSpike
  z.outputs >> tr.inputs
  tr.outputs >> W.preTrace
  process advance = z.advance_state >> tr.advance_state >> W.advance_state
  process learn = W.evolve
  process reset = W.reset >> tr.reset
}
)";

nf::ir::Program program() { return nf::frontend::compile_model_text(kModel, "probe.nf"); }

// A shared library of the probe model, built once.
const std::string& module_path() {
  static TempDir dir;
  static std::string path = [] {
    std::string p = dir / "probe.so";
    nf::compiler::BuildOptions o;
    o.model_name = "probe";
    nf::compiler::build_file(program(), p, nf::compiler::Emit::SharedLibrary, o);
    return p;
  }();
  return path;
}

// Drives the probe's input and steps it `steps` times.
void drive(nf::State& s, int steps, int offset = 0) {
  for (int k = 0; k < steps; ++k) {
    std::span<float> in = s.f32("z.inputs");
    for (size_t i = 0; i < in.size(); ++i) in[i] = float((k + offset + int(i)) % 3) * 0.4f;
    std::span<float> m = s.f32("W.modulator");
    m[0] = (k % 50) < 25 ? 1.0f : -1.0f;
    s.step("advance", float(k), 1.0f);
    s.step("learn", float(k), 1.0f);
  }
}

std::vector<uint32_t> all_words(nf::State& s, const nf::Module& m) {
  std::vector<uint32_t> out;
  for (int32_t i = 0; i < m.info().n_compartments; ++i) {
    std::vector<uint32_t> w = s.read_words(m.info().compartments[i].name);
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

}  // namespace

TEST_CASE("open a module, read its descriptor, find names", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  const nf_module_info& info = m.info();
  CHECK(std::string(info.model_name) == "probe");
  CHECK(info.abi_version == NF_MODULE_ABI_VERSION);
  CHECK(info.default_seed == 5);
  CHECK(info.n_processes == 4);  // advance, learn, reset, initialize
  const nf_compartment_info& w = m.compartment("W.weights");
  CHECK(w.dtype == NF_F32);
  CHECK(w.rank == 2);
  CHECK(w.shape[0] == 4);
  CHECK(w.shape[1] == 3);
  CHECK(w.bytes == 48);
  CHECK(w.offset % info.alignment == 0);
  const nf_param_info* eta = nullptr;
  REQUIRE(nf_module_find_param(m.get(), "W.eta", &eta) == NF_OK);
  CHECK(eta->default_value == 0.1);  // the model text's binary64 value, not 0.1f
  int32_t index = -1;
  REQUIRE(nf_module_find_process(m.get(), "learn", &index) == NF_OK);
  CHECK(std::string(info.processes[index].name) == "learn");
}

TEST_CASE("failures of module calls are codes and messages", "[runtime]") {
  TempDir dir;
  nf_module* m = nullptr;
  CHECK(nf_module_open(nullptr, &m) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_module_open((dir / "missing.so").c_str(), &m) == NF_ERROR_IO);
  CHECK_THAT(nf_last_error(), Contains("cannot open"));
  std::ofstream(dir / "text.so") << "not a library";
  CHECK(nf_module_open((dir / "text.so").c_str(), &m) == NF_ERROR_NOT_A_MODULE);
  CHECK_THAT(nf_last_error(), Contains("is not a loadable module"));
  CHECK(m == nullptr);
  // A real shared library that is not a neurofuse module.
  std::ofstream(dir / "other.c") << "int answer(void) { return 42; }\n";
  REQUIRE(std::system(("cc -shared -fPIC -o " + (dir / "other.so") + " " + (dir / "other.c")).c_str()) == 0);
  CHECK(nf_module_open((dir / "other.so").c_str(), &m) == NF_ERROR_NOT_A_MODULE);
  CHECK_THAT(nf_last_error(), Contains("has no nf_module"));
  // A module of another ABI version.
  std::ofstream(dir / "future.c") << "#include <neurofuse/module.h>\n"
                                     "const nf_module_info nf_module = {99, sizeof(nf_module_info)};\n";
  REQUIRE(std::system(("cc -shared -fPIC -I" + std::string(NF_SOURCE_DIR) + "/runtime/include -o " +
                       (dir / "future.so") + " " + (dir / "future.c")).c_str()) == 0);
  CHECK(nf_module_open((dir / "future.so").c_str(), &m) == NF_ERROR_ABI_VERSION);
  CHECK_THAT(nf_last_error(), Contains("ABI version 99"));
  // Adopting a descriptor checks it the same way.
  nf::Module good = nf::Module::open(module_path());
  nf_module_info copy = good.info();
  copy.abi_version = 0;
  CHECK(nf_module_adopt(&copy, nullptr, nullptr, &m) == NF_ERROR_ABI_VERSION);
  CHECK(nf_module_adopt(nullptr, nullptr, nullptr, &m) == NF_ERROR_INVALID_ARGUMENT);
  // A descriptor whose regions leave the state block is refused before any state exists.
  {
    const nf_module_info& info = good.info();
    std::vector<nf_compartment_info> comps(info.compartments, info.compartments + info.n_compartments);
    auto refused = [&](auto&& spoil, const char* why) {
      nf_module_info bad = info;
      std::vector<nf_compartment_info> bad_comps = comps;
      bad.compartments = bad_comps.data();
      spoil(bad, bad_comps);
      nf_module* out = nullptr;
      CHECK(nf_module_adopt(&bad, nullptr, nullptr, &out) == NF_ERROR_NOT_A_MODULE);
      CHECK_THAT(nf_last_error(), Contains(why));
      CHECK(out == nullptr);
    };
    refused([](nf_module_info& b, auto& c) { c[2].offset = b.state_size - 4; }, "lies outside the state block");
    refused([](nf_module_info&, auto& c) { c[2].bytes += 4; }, "lies outside the state block");
    refused([](nf_module_info&, auto& c) { c[1].offset = -64; }, "lies outside the state block");
    refused([](nf_module_info& b, auto&) { b.seed_offset = b.state_size; }, "the seed or the thread hook");
    refused([](nf_module_info&, auto& c) { c[0].dtype = 7; }, "unknown dtype or kind");
    refused([](nf_module_info& b, auto& c) {
      c[0].kept = NF_KEPT_FACTORED;
      c[0].form_offset = 0;
      b.materialize = nullptr;
    }, "is kept in another form but the module lacks materialize");
    refused([](nf_module_info& b, auto& c) {
      c[0].kept = NF_KEPT_CHECKED;
      c[0].form_offset = b.state_size;
    }, "has its word outside the state block");
    // Alignment is bounded (aligned_alloc(2^62) was attempted); no two regions overlap.
    refused([](nf_module_info& b, auto&) { b.alignment = int64_t(1) << 62; }, "bad state size or alignment");
    refused([](nf_module_info& b, auto&) { b.hooks_offset = b.seed_offset; }, "the seed and the thread hook overlap");
    refused([](nf_module_info& b, auto& c) { b.seed_offset = c[0].offset; }, "overlap");
    refused([](nf_module_info&, auto& c) {
      c[1].offset = c[0].offset + 4;
    }, "overlap");
    // Elements are read as aligned words (a misaligned offset was read as one).
    refused([](nf_module_info&, auto& c) { c[2].offset += 2; }, "is misaligned");
    // Aliases read compartments that exist, of one type, in well-formed postfix.
    REQUIRE(info.n_aliases > 0);
    auto refused_alias = [&](std::vector<int32_t> terms, const char* why) {
      nf_module_info bad = info;
      std::vector<nf_alias_info> aliases(info.aliases, info.aliases + info.n_aliases);
      aliases[0].terms = terms.data();
      aliases[0].n_terms = int32_t(terms.size());
      bad.aliases = aliases.data();
      nf_module* out = nullptr;
      CHECK(nf_module_adopt(&bad, nullptr, nullptr, &out) == NF_ERROR_NOT_A_MODULE);
      CHECK_THAT(nf_last_error(), Contains(why));
      CHECK(out == nullptr);
    };
    refused_alias({info.n_compartments}, "reads no compartment");
    refused_alias({NF_WIRE_ADD}, "combines values it does not have");
    refused_alias({1, 1}, "does not make one value");
    int32_t other = 1;
    while (other < info.n_compartments && info.compartments[other].bytes == info.compartments[0].bytes) ++other;
    REQUIRE(other < info.n_compartments);
    refused_alias({0, other, NF_WIRE_ADD}, "reads values of different types");
    {  // one name, one meaning
      nf_module_info bad = info;
      std::vector<nf_alias_info> aliases(info.aliases, info.aliases + info.n_aliases);
      aliases[0].name = info.compartments[0].name;
      bad.aliases = aliases.data();
      nf_module* out = nullptr;
      CHECK(nf_module_adopt(&bad, nullptr, nullptr, &out) == NF_ERROR_NOT_A_MODULE);
      CHECK_THAT(nf_last_error(), Contains("has a compartment's name"));
    }
    nf_module* fine = nullptr;
    nf_module_info same = info;
    REQUIRE(nf_module_adopt(&same, nullptr, nullptr, &fine) == NF_OK);
    nf_module_close(fine);
  }
  // A module that uses CPU features this machine lacks is refused before any
  // of its code runs, with the features named; one with features it has loads.
  {
    std::string lacking;
#define NF_LACKING(f) \
  if (lacking.empty() && !__builtin_cpu_supports(f)) lacking = f;
    NF_LACKING("avx512fp16") NF_LACKING("avx512bf16") NF_LACKING("avxvnni") NF_LACKING("avx512vbmi2")
    NF_LACKING("avx512f") NF_LACKING("avx2") NF_LACKING("avx")
#undef NF_LACKING
    nf_module_info other = good.info();
    const std::string has = "+sse2,-avx512fp16,+cx16";
    other.features = has.c_str();
    nf_module* ok = nullptr;
    CHECK(nf_module_adopt(&other, nullptr, nullptr, &ok) == NF_OK);
    nf_module_close(ok);
    if (lacking.empty()) {
      WARN("this CPU has every feature the test knows to ask for; the refusal is not exercised");
    } else {
      const std::string needs = "+sse2,+" + lacking;
      other.features = needs.c_str();
      nf_module* out = nullptr;
      CHECK(nf_module_adopt(&other, nullptr, nullptr, &out) == NF_ERROR_UNSUPPORTED_CPU);
      CHECK_THAT(nf_last_error(), Contains("uses CPU features this machine lacks (" + lacking + ")"));
      CHECK(out == nullptr);
    }
    CHECK(std::string(nf_status_name(NF_ERROR_UNSUPPORTED_CPU)) == "NF_ERROR_UNSUPPORTED_CPU");
    CHECK(std::string(good.info().features).find("+sse2") != std::string::npos);  // what the compiler recorded
  }
  // Unknown names, with a suggestion, also kept on the module.
  const nf_compartment_info* c = nullptr;
  CHECK(nf_module_find_compartment(good.get(), "W.wieghts", &c) == NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_module_last_error(good.get()), Contains("no compartment 'W.wieghts'; did you mean 'W.weights'?"));
  const nf_param_info* p = nullptr;
  CHECK(nf_module_find_param(good.get(), "W.etta", &p) == NF_ERROR_UNKNOWN_NAME);
  int32_t i = 0;
  CHECK(nf_module_find_process(good.get(), "avdance", &i) == NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_last_error(), Contains("did you mean 'advance'?"));
  CHECK(nf_module_find_process(nullptr, "advance", &i) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_module_get_info(nullptr) == nullptr);
  nf_module_close(nullptr);
  CHECK(std::string(nf_status_name(NF_ERROR_BAD_FILE)) == "NF_ERROR_BAD_FILE");
}

TEST_CASE("states are created, read, written, stepped and scanned", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  nf::State a(m, 5);
  CHECK(a.seed() == 5);
  CHECK(nf_state_module(a.get()) == m.get());
  // initialize ran: weights drawn from uniform(0, 1), not the fill value 0.
  std::span<float> w = a.f32("W.weights");
  bool drawn = false;
  for (float x : w) {
    CHECK(x >= 0.0f);
    CHECK(x < 1.0f);
    drawn = drawn || x != 0.0f;
  }
  CHECK(drawn);
  // write and read by copy, with dtype and count checked.
  float in[4] = {1, 0, 1, 0};
  REQUIRE(nf_state_write(a.get(), "z.inputs", NF_F32, in, 4) == NF_OK);
  float back[4] = {};
  REQUIRE(nf_state_read(a.get(), "z.inputs", NF_F32, back, 4) == NF_OK);
  CHECK(std::memcmp(in, back, sizeof in) == 0);
  CHECK(nf_state_write(a.get(), "z.inputs", NF_F32, in, 3) == NF_ERROR_SHAPE);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("'z.inputs' has 4 elements, given 3"));
  CHECK(nf_state_write(a.get(), "z.inputs", NF_I32, in, 4) == NF_ERROR_DTYPE);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("is f32, given i32"));
  CHECK(nf_state_read(a.get(), "z.nope", NF_F32, back, 4) == NF_ERROR_UNKNOWN_NAME);
  CHECK(nf_state_write(a.get(), "z.inputs", NF_F32, nullptr, 4) == NF_ERROR_INVALID_ARGUMENT);
  int32_t key[1] = {0};
  CHECK(nf_state_read(a.get(), "z.key", NF_I32, key, 1) == NF_OK);
  // parameters
  a.set_param("W.eta", 0.25f);
  CHECK(a.param("W.eta") == 0.25f);
  CHECK(nf_state_set_param(a.get(), "W.muu", 1.0) == NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("did you mean"));
  double v = 0;
  CHECK(nf_state_get_param(a.get(), "W.eta", nullptr) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_get_param(nullptr, "W.eta", &v) == NF_ERROR_INVALID_ARGUMENT);
  // step: the Bernoulli counter advances once per step.
  a.step("advance", 0.0f, 1.0f);
  CHECK(a.i32("z.key")[0] == key[0] + 1);
  CHECK(nf_state_step(a.get(), "advanse", 0.0f, 1.0f) == NF_ERROR_UNKNOWN_NAME);
  CHECK(nf_state_step(a.get(), nullptr, 0.0f, 1.0f) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THROWS_AS(a.f32("z.key"), nf::RuntimeError);  // an i32 compartment viewed as f32
  // reinitialize returns to the created state.
  nf::State fresh(m, 5);
  a.reinitialize(5);
  CHECK(all_words(a, m) == all_words(fresh, m));
  CHECK(nf_state_reinitialize(nullptr, 1) == NF_ERROR_INVALID_ARGUMENT);
  nf_state* none = nullptr;
  CHECK(nf_state_create(nullptr, 1, &none) == NF_ERROR_INVALID_ARGUMENT);
  nf_state_destroy(nullptr);
}

TEST_CASE("scan equals stepping one step at a time, streams included", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  nf::State stepped(m, 9), scanned(m, 9);
  const int steps = 60;
  std::vector<float> inputs(steps * 4), rec_stepped(steps * 12), rec_scanned(steps * 12);
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = float(i % 5) * 0.25f;
  float t = 0.0f;
  for (int k = 0; k < steps; ++k) {
    std::copy_n(inputs.begin() + k * 4, 4, stepped.f32("z.inputs").begin());
    stepped.step("advance", t, 1.0f);
    stepped.step("learn", t, 1.0f);
    std::copy_n(stepped.f32("W.dWeights").begin(), 12, rec_stepped.begin() + k * 12);
    t = t + 1.0f;
  }
  scanned.scan({"advance", "learn"}, 0.0f, 1.0f, steps, {{"z.inputs", inputs.data()}}, {{"W.dWeights", rec_scanned.data()}});
  CHECK(rec_scanned == rec_stepped);
  CHECK(all_words(scanned, m) == all_words(stepped, m));
  // Everything is checked before the first step.
  const char* procs[] = {"advance", "nope"};
  CHECK(nf_state_scan(scanned.get(), procs, 2, 0, 1, 0, 5, nullptr, 0, nullptr, 0) == NF_ERROR_UNKNOWN_NAME);
  CHECK(nf_state_scan(scanned.get(), procs, 1, 0, 1, 0, -1, nullptr, 0, nullptr, 0) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_scan(scanned.get(), nullptr, 1, 0, 1, 0, 5, nullptr, 0, nullptr, 0) == NF_ERROR_INVALID_ARGUMENT);
  nf_io bad = {"W.nothing", rec_scanned.data()};
  CHECK(nf_state_scan(scanned.get(), procs, 1, 0, 1, 0, 5, nullptr, 0, &bad, 1) == NF_ERROR_UNKNOWN_NAME);
  CHECK(all_words(scanned, m) == all_words(stepped, m));  // no step ran
}

TEST_CASE("scheduled processes run at their steps, in one scan or in pieces", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  const int steps = 50;
  std::vector<float> inputs(steps * 4);
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = float(i % 3) * 0.5f;
  // By hand: reset before steps 0, 20, 40; learn after steps 9, 19, ...; t = k * 0.1.
  nf::State stepped(m, 4);
  std::vector<float> rec_stepped(steps * 12);
  for (int k = 0; k < steps; ++k) {
    double t = 0.0 + double(k) * 0.1;
    if (k % 20 == 0) stepped.step("reset", t, 0.1);
    std::copy_n(inputs.begin() + k * 4, 4, stepped.f32("z.inputs").begin());
    stepped.step("advance", t, 0.1);
    std::copy_n(stepped.f32("W.weights").begin(), 12, rec_stepped.begin() + k * 12);
    if ((k + 1) % 10 == 0) stepped.step("learn", t, 0.1);
  }
  const char* procs[] = {"advance"};
  const nf_scheduled at[] = {{"reset", 20, NF_AT_START}, {"learn", 10, NF_AT_END}};
  for (int64_t piece : {int64_t(steps), int64_t(7), int64_t(1)}) {
    INFO("pieces of " << piece << " steps");
    nf::State scanned(m, 4);
    std::vector<float> rec(steps * 12);
    for (int64_t first = 0; first < steps; first += piece) {
      int64_t n = std::min<int64_t>(piece, steps - first);
      nf_io d = {"z.inputs", inputs.data() + first * 4}, r = {"W.weights", rec.data() + first * 12};
      REQUIRE(nf_state_scan_scheduled(scanned.get(), procs, 1, at, 2, 0.0, 0.1, first, n, &d, 1, &r, 1) == NF_OK);
    }
    CHECK(rec == rec_stepped);
    CHECK(all_words(scanned, m) == all_words(stepped, m));
  }
  // Checked before the first step: a period of 0 only runs once, before step 0.
  nf::State s(m, 4);
  std::vector<uint32_t> before = all_words(s, m);
  const nf_scheduled bad_end[] = {{"learn", 0, NF_AT_END}}, bad_name[] = {{"lern", 5, NF_AT_END}},
                     negative[] = {{"learn", -5, NF_AT_START}};
  CHECK(nf_state_scan_scheduled(s.get(), procs, 1, bad_end, 1, 0, 1, 0, 5, nullptr, 0, nullptr, 0) ==
        NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_scan_scheduled(s.get(), procs, 1, bad_name, 1, 0, 1, 0, 5, nullptr, 0, nullptr, 0) ==
        NF_ERROR_UNKNOWN_NAME);
  CHECK_THAT(nf_state_last_error(s.get()), Contains("did you mean 'learn'"));
  CHECK(nf_state_scan_scheduled(s.get(), procs, 1, negative, 1, 0, 1, 0, 5, nullptr, 0, nullptr, 0) ==
        NF_ERROR_INVALID_ARGUMENT);
  CHECK(all_words(s, m) == before);
}

TEST_CASE("two states on two threads give the bits of running them one after the other", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  nf::State s1(m, 1), s2(m, 2), t1(m, 1), t2(m, 2);
  drive(s1, 300);
  drive(s2, 300, 7);
  std::thread a([&] { drive(t1, 300); });
  std::thread b([&] { drive(t2, 300, 7); });
  a.join();
  b.join();
  CHECK(all_words(t1, m) == all_words(s1, m));
  CHECK(all_words(t2, m) == all_words(s2, m));
  CHECK(all_words(s1, m) != all_words(s2, m));
}

TEST_CASE("threads inside a step give the bits of one thread", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  nf::State one(m, 6), two(m, 6), three(m, 6);
  two.set_threads(2, 1);
  three.set_threads(3, 1);
  drive(one, 150);
  drive(two, 150);
  drive(three, 150);
  CHECK(all_words(two, m) == all_words(one, m));
  CHECK(all_words(three, m) == all_words(one, m));
  // The threads survive reinitialization; checkpoints carry no trace of them.
  two.reinitialize(6);
  one.reinitialize(6);
  drive(one, 20);
  drive(two, 20);
  CHECK(all_words(two, m) == all_words(one, m));
  CHECK(nf_state_set_threads(two.get(), 0, 0) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_set_threads(two.get(), 2, -1) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_set_threads(nullptr, 2, 0) == NF_ERROR_INVALID_ARGUMENT);
  two.set_threads(1);  // back to the caller alone
  drive(one, 5);
  drive(two, 5);
  CHECK(all_words(two, m) == all_words(one, m));
}

// A partitioned host in one process: it runs each split loop's range in two
// halves (as two ranks would, in turn), checks the loop's split table
// against the block, and notes the gathers the runtime asks for.
struct TwoHalves {
  int64_t state_size = 0;
  int64_t loops = 0, outputs = 0, kept = 0;
  std::vector<std::pair<int64_t, int64_t>> gathers;
  static void run(void* context, void (*body)(void*, int64_t, int64_t), void* arg, int64_t rows, int64_t,
                  uint8_t* state, const nf_split* split) {
    auto& h = *static_cast<TwoHalves*>(context);
    REQUIRE(state != nullptr);
    REQUIRE(split != nullptr);
    ++h.loops;
    for (int32_t i = 0; i < split->n_outputs; ++i) {
      const nf_split_output& o = split->outputs[i];
      ++h.outputs;
      h.kept += o.exchange ? 0 : 1;
      // The last element of the last split index lies inside the block.
      CHECK(o.offset >= 0);
      CHECK(o.blocks >= 1);
      CHECK(o.unit % 4 == 0);
      CHECK(o.offset + (o.blocks - 1) * o.stride + rows * o.unit <= h.state_size);
      CHECK((o.copied_to == -1 || !o.exchange));
    }
    body(arg, 0, rows / 2);
    body(arg, rows / 2, rows);
  }
  static void gather(void* context, uint8_t*, int64_t offset, int64_t bytes) {
    static_cast<TwoHalves*>(context)->gathers.push_back({offset, bytes});
  }
};

TEST_CASE("a partitioned host runs every split loop and is asked to gather before every host read", "[runtime]") {
  nf::Module m = nf::Module::open(module_path());
  nf::State plain(m, 6), split(m, 6);
  TwoHalves host;
  host.state_size = m.info().state_size;
  nf_partition hooks{&TwoHalves::run, &TwoHalves::gather, &host};
  REQUIRE(nf_state_set_partition(split.get(), &hooks) == NF_OK);
  drive(plain, 60);
  drive(split, 60);
  CHECK(host.loops > 0);
  CHECK(host.kept > 0);  // the synapse's matrices stay with their columns
  CHECK(all_words(split, m) == all_words(plain, m));
  // Every compartment read above was gathered first, with its own bytes.
  const nf_compartment_info& w = m.compartment("W.weights");
  host.gathers.clear();
  (void)split.read_words("W.weights");
  REQUIRE(host.gathers.size() == 1);
  CHECK(host.gathers[0] == std::make_pair(w.offset, w.bytes));
  // Removing the partition gathers the whole block first.
  host.gathers.clear();
  REQUIRE(nf_state_set_partition(split.get(), nullptr) == NF_OK);
  REQUIRE(host.gathers.size() == 1);
  CHECK(host.gathers[0] == std::make_pair(int64_t(0), m.info().state_size));
  drive(plain, 5);
  drive(split, 5);
  CHECK(host.gathers.size() == 1);  // no longer asked
  CHECK(all_words(split, m) == all_words(plain, m));
  CHECK(nf_state_set_partition(nullptr, &hooks) == NF_ERROR_INVALID_ARGUMENT);
}

TEST_CASE("a JIT-compiled module adopted by the runtime computes the shared library's bits", "[runtime]") {
  nf::Module shared = nf::Module::open(module_path());
  nf::compiler::BuildOptions o;
  o.model_name = "probe";
  nf::Module jit(nf::compiler::jit_module(program(), o));
  nf::State a(shared, 3), b(jit, 3);
  drive(a, 200);
  drive(b, 200);
  CHECK(all_words(a, shared) == all_words(b, jit));
}

TEST_CASE("checkpoints round-trip bit for bit, in whole or in part", "[runtime]") {
  TempDir dir;
  nf::Module m = nf::Module::open(module_path());
  nf::State a(m, 4);
  drive(a, 120);
  a.set_param("W.eta", 0.5f);
  a.save(dir / "a.npz");
  std::vector<uint32_t> saved = all_words(a, m);
  nf::State b(m, 99);
  b.load(dir / "a.npz");
  CHECK(all_words(b, m) == saved);
  CHECK(b.seed() == 4);
  CHECK(b.param("W.eta") == 0.5f);
  // Both continue identically.
  drive(a, 50, 3);
  drive(b, 50, 3);
  CHECK(all_words(a, m) == all_words(b, m));
  // A chosen subset: only those entries (and the seed) are written and loaded.
  a.save(dir / "part.npz", {"W.weights", "W.eta"});
  nf::State c(m, 4);
  drive(c, 10, 1);
  std::span<float> ce = c.f32("W.eligibility");
  std::vector<float> eligibility_before(ce.begin(), ce.end());
  c.load(dir / "part.npz");
  std::span<float> cw = c.f32("W.weights"), aw = a.f32("W.weights");
  CHECK(std::equal(cw.begin(), cw.end(), aw.begin()));
  CHECK(c.param("W.eta") == 0.5f);
  // Compartments not in the file keep their values.
  CHECK(std::equal(ce.begin(), ce.end(), eligibility_before.begin()));
  CHECK_THROWS_WITH(a.save(dir / "x.npz", {"W.nope"}), Contains("no compartment or run-time parameter 'W.nope'"));
}

TEST_CASE("a bad checkpoint changes nothing and names the problem", "[runtime]") {
  TempDir dir;
  nf::Module m = nf::Module::open(module_path());
  nf::State a(m, 4);
  drive(a, 30);
  std::vector<uint32_t> before = all_words(a, m);
  CHECK(nf_state_load(a.get(), (dir / "missing.npz").c_str()) == NF_ERROR_IO);
  std::ofstream(dir / "junk.npz") << "not a zip";
  CHECK(nf_state_load(a.get(), (dir / "junk.npz").c_str()) == NF_ERROR_BAD_FILE);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("not a zip archive"));
  // A checkpoint of another model: unknown entries, wrong shapes.
  const char* other = "model other {\n  W = MSTDPETSynapse(shape=(5, 3), A_plus=1.0, A_minus=0.5)\n  process p = W.evolve\n}\n";
  std::string other_so = dir / "other.so";
  nf::compiler::build_file(nf::frontend::compile_model_text(other), other_so, nf::compiler::Emit::SharedLibrary, {});
  nf::Module om = nf::Module::open(other_so);
  nf::State os(om, 1);
  os.save(dir / "other.npz");
  CHECK(nf_state_load(a.get(), (dir / "other.npz").c_str()) == NF_ERROR_BAD_FILE);
  CHECK(all_words(a, m) == before);
  // An entry of the right name and the wrong shape.
  os.save(dir / "weights.npz", {"W.weights"});
  CHECK(nf_state_load(a.get(), (dir / "weights.npz").c_str()) == NF_ERROR_BAD_FILE);
  CHECK_THAT(nf_state_last_error(a.get()),
             Contains("entry 'W.weights' holds <f4 (5, 3) but compartment 'W.weights' is <f4 (4, 3)"));
  CHECK(all_words(a, m) == before);
  // An entry this model does not have (its W.inputs is wired, so it has no storage).
  os.save(dir / "inputs.npz", {"W.inputs"});
  CHECK(nf_state_load(a.get(), (dir / "inputs.npz").c_str()) == NF_ERROR_BAD_FILE);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("entry 'W.inputs' is not a compartment or run-time parameter of this model"));
  CHECK(all_words(a, m) == before);
  // A failed save leaves the earlier file as it was.
  a.save(dir / "keep.npz");
  std::ifstream in1(dir / "keep.npz", std::ios::binary);
  std::string first((std::istreambuf_iterator<char>(in1)), {});
  CHECK(nf_state_save(a.get(), (dir / "no/such/dir.npz").c_str(), nullptr, 0) == NF_ERROR_IO);
  std::ifstream in2(dir / "keep.npz", std::ios::binary);
  std::string second((std::istreambuf_iterator<char>(in2)), {});
  CHECK(first == second);
  CHECK(nf_state_save(a.get(), nullptr, nullptr, 0) == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_load(nullptr, "x") == NF_ERROR_INVALID_ARGUMENT);
  CHECK(nf_state_load_npy(a.get(), "W.nope", "x.npy") == NF_ERROR_UNKNOWN_NAME);
  CHECK(nf_state_load_npy(a.get(), "W.weights", (dir / "missing.npy").c_str()) == NF_ERROR_IO);
  // A file that exists but cannot be read is an I/O failure, not a bad file.
  CHECK(nf_state_load(a.get(), dir.path.c_str()) == NF_ERROR_IO);
  CHECK_THAT(nf_state_last_error(a.get()), Contains("is a directory"));
  CHECK(nf_state_load_npy(a.get(), "W.weights", dir.path.c_str()) == NF_ERROR_IO);
}

TEST_CASE("numpy reads checkpoints and .npy files set compartments", "[runtime][numpy]") {
  REQUIRE(std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") == 0);  // a dependency
  TempDir dir;
  nf::Module m = nf::Module::open(module_path());
  nf::State a(m, 4);
  drive(a, 40);
  a.save(dir / "a.npz");
  std::span<float> w = a.f32("W.weights");
  char expected[64];
  std::snprintf(expected, sizeof expected, "%.9g", double(w[5]));
  std::string script = "import numpy as np\n"
                       "d = np.load('" + (dir / "a.npz") + "')\n"
                       "assert d['W.weights'].dtype == np.float32 and d['W.weights'].shape == (4, 3)\n"
                       "assert d['z.key'].dtype == np.int32 and d['z.key'].shape == ()\n"
                       "assert d['seed'].dtype == np.uint64 and int(d['seed']) == 4\n"
                       "assert d['W.eta'].dtype == np.float64 and d['W.eta'].shape == ()\n"
                       "assert repr(float(d['W.weights'].flat[5])) == repr(float(np.float32(" + std::string(expected) + ")))\n"
                       "np.save('" + (dir / "w.npy") + "', np.full((4, 3), 0.125, dtype=np.float32))\n"
                       "np.save('" + (dir / "bad.npy") + "', np.zeros((3, 4), dtype=np.float32))\n";
  std::ofstream(dir / "check.py") << script;
  REQUIRE(std::system(("/usr/bin/python3 " + (dir / "check.py")).c_str()) == 0);
  a.load_npy("W.weights", dir / "w.npy");
  for (float x : a.f32("W.weights")) CHECK(x == 0.125f);
  CHECK(nf_state_load_npy(a.get(), "W.weights", (dir / "bad.npy").c_str()) == NF_ERROR_BAD_FILE);
  CHECK_THAT(nf_last_error(), Contains("holds <f4 (3, 4) but compartment 'W.weights' is <f4 (4, 3)"));
}

TEST_CASE("threads building the same model at once leave a sound object cache", "[runtime]") {
  TempDir dir;
  const char* before = std::getenv("NEUROFUSE_CACHE_DIR");
  std::string saved = before ? before : "";
  setenv("NEUROFUSE_CACHE_DIR", (dir / "cache").c_str(), 1);
  nf::compiler::BuildOptions o;
  o.model_name = "probe";
  std::vector<uint32_t> want;
  {
    nf::compiler::BuildOptions uncached = o;
    uncached.use_cache = false;
    nf::Module m(nf::compiler::jit_module(program(), uncached));
    nf::State s(m, 3);
    drive(s, 20);
    want = all_words(s, m);
  }
  for (int round = 0; round < 3; ++round) {
    fs::remove_all(dir / "cache");
    std::vector<std::thread> threads;
    std::vector<nf_module*> built(4, nullptr);
    for (size_t i = 0; i < built.size(); ++i)
      threads.emplace_back([&, i] { built[i] = nf::compiler::jit_module(program(), o); });
    for (std::thread& t : threads) t.join();
    for (nf_module* b : built) nf_module_close(b);
    // The cached object, whoever wrote it, is whole: a module from it computes the same bits.
    nf::compiler::BuildTimes times;
    nf::Module cached(nf::compiler::jit_module(program(), o, &times));
    CHECK(times.cached);
    nf::State s(cached, 3);
    drive(s, 20);
    CHECK(all_words(s, cached) == want);
    size_t leftovers = 0;
    for (const auto& e : fs::directory_iterator(dir / "cache"))
      leftovers += e.path().string().find(".tmp.") != std::string::npos;
    CHECK(leftovers == 0);
  }
  if (before) setenv("NEUROFUSE_CACHE_DIR", saved.c_str(), 1);
  else unsetenv("NEUROFUSE_CACHE_DIR");
}

TEST_CASE("an nf::State keeps its module loaded; a moved-from nf::Module says so", "[runtime]") {
  // The state outlives the Module object it was made from.
  auto make = [] { return nf::State(nf::Module::open(module_path()), 9); };
  nf::State s = make();
  s.step("advance", 0.0, 1.0);
  s.step("learn", 0.0, 1.0);
  CHECK(s.i32("z.key")[0] == 1);
  nf::Module m = nf::Module::open(module_path());
  nf::Module taken = std::move(m);
  CHECK(taken.info().n_compartments > 0);
  CHECK_THROWS_WITH(m.info(), Contains("moved from"));
}
