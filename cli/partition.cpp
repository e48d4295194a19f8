// The MPI host of a partitioned run (partition.h).
#include "cli/partition.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "common/split.h"
#include "ir/diagnostic.h"

#ifdef NF_HAVE_MPI
#include "common/mpi_session.h"
#endif

namespace nf::cli {

#ifdef NF_HAVE_MPI
namespace {

class MpiPartition final : public Partition {
 public:
  ~MpiPartition() override {
    if (session_.active())
      for (auto& [key, type] : types_) MPI_Type_free(&type);
  }
  int rank() const override { return session_.rank(); }
  int ranks() const override { return session_.ranks(); }
  nf_partition hooks() override { return {&MpiPartition::run, &MpiPartition::gather, this}; }
  int64_t bytes_sent() const override { return sent_; }
  int64_t bytes_received() const override { return received_; }
  int64_t exchanges() const override { return exchanges_; }
  int64_t max_over_ranks(int64_t value) const override {
    if (!session_.active()) return value;
    int64_t out = 0;
    MPI_Allreduce(&value, &out, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    return out;
  }
  [[noreturn]] void abort_all(int status) override {
    if (session_.active() && ranks() > 1) MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status);
  }

 private:
  // An output a loop left with the ranks that own its split indices.
  struct Stale {
    nf_split_output where;
    int64_t rows;
  };

  // nf_parallel.run: this rank's range, then the outputs others read.
  static void run(void* context, void (*body)(void*, int64_t, int64_t), void* arg, int64_t rows, int64_t,
                  uint8_t* state, const nf_split* split) {
    auto& p = *static_cast<MpiPartition*>(context);
    if (p.ranks() == 1 || !split || split->whole) {
      body(arg, 0, rows);
      return;
    }
    const int64_t lo = split_point(rows, p.rank(), p.ranks()), hi = split_point(rows, p.rank() + 1, p.ranks());
    if (lo < hi) body(arg, lo, hi);
    std::vector<const nf_split_output*>& exchanged = p.exchanged_;
    exchanged.clear();
    for (int32_t i = 0; i < split->n_outputs; ++i) {
      const nf_split_output& o = split->outputs[i];
      if (o.exchange) {
        p.stale_.erase(o.offset);
        exchanged.push_back(&o);
      } else {
        p.stale_[o.offset] = {o, rows};
        if (o.copied_to >= 0) {
          nf_split_output copy = o;
          copy.offset = o.copied_to;
          p.stale_[copy.offset] = {copy, rows};
        }
      }
    }
    // One output goes in place; several go in one collective, packed, so a
    // loop costs one latency however many vectors it hands on.
    if (exchanged.size() == 1) p.exchange(state, *exchanged[0], rows);
    if (exchanged.size() > 1) p.exchange_packed(state, exchanged, rows);
  }

  // nf_partition.gather: the stale outputs inside [offset, offset + bytes).
  static void gather(void* context, uint8_t* block, int64_t offset, int64_t bytes) {
    auto& p = *static_cast<MpiPartition*>(context);
    for (auto it = p.stale_.lower_bound(offset); it != p.stale_.end() && it->first < offset + bytes;) {
      p.exchange(block, it->second.where, it->second.rows);
      it = p.stale_.erase(it);
    }
  }

  // Every rank's range of the output, from its owner to every other rank:
  // one MPI_Allgatherv in place, whose element is one split index's
  // elements (a strided column of a matrix split by columns).
  void exchange(uint8_t* state, const nf_split_output& o, int64_t rows) {
    share(rows, 1);
    const int64_t index_bytes = o.blocks * o.unit;
    const int64_t mine = counts_[size_t(rank())];
    sent_ += mine * index_bytes * (ranks() - 1);
    received_ += (rows - mine) * index_bytes;
    ++exchanges_;
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, state + o.offset, counts_.data(), displacements_.data(),
                   type_of(o), MPI_COMM_WORLD);
  }

  // counts_ and displacements_ of every rank's share of `rows` split
  // indices, in elements of `index_bytes` bytes.
  void share(int64_t rows, int64_t index_bytes) {
    const int n = ranks();
    counts_.resize(size_t(n));
    displacements_.resize(size_t(n));
    for (int r = 0; r < n; ++r) {
      const int64_t lo = split_point(rows, r, n), hi = split_point(rows, r + 1, n);
      counts_[size_t(r)] = int((hi - lo) * index_bytes);
      displacements_[size_t(r)] = int(lo * index_bytes);
    }
  }

  // Several outputs of one loop in one MPI_Allgatherv: each rank packs its
  // range of every output, in order, and unpacks the others' ranges. (A
  // rank's share must fit an int count of bytes; larger shares go output
  // by output.)
  void exchange_packed(uint8_t* state, const std::vector<const nf_split_output*>& outputs, int64_t rows) {
    const int n = ranks();
    int64_t index_bytes = 0;
    for (const nf_split_output* o : outputs) index_bytes += o->blocks * o->unit;
    if (rows * index_bytes > std::numeric_limits<int>::max()) {
      for (const nf_split_output* o : outputs) exchange(state, *o, rows);
      return;
    }
    share(rows, index_bytes);
    // Rank r's range of every output, block by block, at rank r's place in
    // the buffer (its first index times the bytes of an index).
    auto copy = [&](int r, bool pack) {
      const int64_t first = displacements_[size_t(r)] / index_bytes, count = counts_[size_t(r)] / index_bytes;
      uint8_t* at = packed_.data() + displacements_[size_t(r)];
      for (const nf_split_output* o : outputs)
        for (int64_t b = 0; b < o->blocks; ++b, at += count * o->unit) {
          uint8_t* in_state = state + o->offset + b * o->stride + first * o->unit;
          if (pack) std::memcpy(at, in_state, size_t(count * o->unit));
          else std::memcpy(in_state, at, size_t(count * o->unit));
        }
    };
    packed_.resize(size_t(rows * index_bytes));
    copy(rank(), true);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, packed_.data(), counts_.data(), displacements_.data(), MPI_BYTE,
                   MPI_COMM_WORLD);
    for (int r = 0; r < n; ++r)
      if (r != rank()) copy(r, false);
    const int64_t mine = counts_[size_t(rank())];
    sent_ += mine * (n - 1);
    received_ += rows * index_bytes - mine;
    ++exchanges_;
  }

  // The datatype of one split index: `blocks` runs of `unit` bytes,
  // `stride` apart, whose extent is one unit (so index r starts at r units).
  MPI_Datatype type_of(const nf_split_output& o) {
    auto key = std::make_tuple(o.blocks, o.stride, o.unit);
    auto it = types_.find(key);
    if (it != types_.end()) return it->second;
    MPI_Datatype runs = MPI_DATATYPE_NULL, type = MPI_DATATYPE_NULL;
    MPI_Type_create_hvector(int(o.blocks), int(o.unit), MPI_Aint(o.stride), MPI_BYTE, &runs);
    MPI_Type_create_resized(runs, 0, MPI_Aint(o.unit), &type);
    MPI_Type_free(&runs);
    MPI_Type_commit(&type);
    return types_[key] = type;
  }

  MpiSession session_;
  std::map<int64_t, Stale> stale_;  // by offset in the block
  std::map<std::tuple<int64_t, int64_t, int64_t>, MPI_Datatype> types_;
  // Kept between loops, so a step allocates nothing: the outputs a loop
  // exchanges, every rank's share (share()), exchange_packed's buffer.
  std::vector<const nf_split_output*> exchanged_;
  std::vector<int> counts_, displacements_;
  std::vector<uint8_t> packed_;
  int64_t sent_ = 0, received_ = 0, exchanges_ = 0;
};

}  // namespace

std::unique_ptr<Partition> Partition::start() { return std::make_unique<MpiPartition>(); }
#else
std::unique_ptr<Partition> Partition::start() {
  throw Error("--partition splits a network over MPI ranks, and this neurofuse was built without MPI "
              "(install libopenmpi-dev and build again)");
}
#endif

}  // namespace nf::cli
