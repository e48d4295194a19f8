// Module, process and kernel structure of generated code, and the loop nests
// of each kernel kind. Element values are emitted by codegen_element.cpp.
#include "compiler/codegen.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen_internal.h"
#include "compiler/derive.h"
#include "compiler/kept.h"
#include "compiler/module_abi.h"
#include "ir/diagnostic.h"

namespace nf::compiler {

std::string process_symbol(const std::string& process) { return "nf_process_" + process; }
std::string body_symbol(const std::string& process) { return "body_" + process; }

std::string buffer_key(const Buffer& b) {
  return b.scratch ? "s:" + std::to_string(b.offset) : "c:" + b.compartment;
}

void emit_loop(llvm::IRBuilderBase& b, llvm::Value* begin, llvm::Value* end,
               const std::function<void(llvm::Value*)>& body) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::LLVMContext& c = b.getContext();
  llvm::BasicBlock* pre = b.GetInsertBlock();
  llvm::BasicBlock* header = llvm::BasicBlock::Create(c, "loop", fn);
  llvm::BasicBlock* inner = llvm::BasicBlock::Create(c, "body", fn);
  llvm::BasicBlock* exit = llvm::BasicBlock::Create(c, "exit", fn);
  b.CreateBr(header);
  b.SetInsertPoint(header);
  llvm::PHINode* i = b.CreatePHI(end->getType(), 2);
  i->addIncoming(begin ? begin : llvm::ConstantInt::get(end->getType(), 0), pre);
  b.CreateCondBr(b.CreateICmpSLT(i, end), inner, exit);
  b.SetInsertPoint(inner);
  body(i);
  i->addIncoming(b.CreateAdd(i, llvm::ConstantInt::get(end->getType(), 1), "", /*HasNUW=*/true, /*HasNSW=*/true),
                 b.GetInsertBlock());
  b.CreateBr(header);
  b.SetInsertPoint(exit);
}

void emit_if(llvm::IRBuilderBase& b, llvm::Value* cond, const std::function<void()>& then) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock* yes = llvm::BasicBlock::Create(b.getContext(), "then", fn);
  llvm::BasicBlock* next = llvm::BasicBlock::Create(b.getContext(), "next", fn);
  b.CreateCondBr(cond, yes, next);
  b.SetInsertPoint(yes);
  then();
  b.CreateBr(next);
  b.SetInsertPoint(next);
}

void emit_if_else(llvm::IRBuilderBase& b, llvm::Value* cond, const std::function<void()>& then,
                  const std::function<void()>& otherwise) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock* yes = llvm::BasicBlock::Create(b.getContext(), "then", fn);
  llvm::BasicBlock* no = llvm::BasicBlock::Create(b.getContext(), "else", fn);
  llvm::BasicBlock* next = llvm::BasicBlock::Create(b.getContext(), "next", fn);
  b.CreateCondBr(cond, yes, no);
  b.SetInsertPoint(yes);
  then();
  b.CreateBr(next);
  b.SetInsertPoint(no);
  otherwise();
  b.CreateBr(next);
  b.SetInsertPoint(next);
}

namespace {

// Every buffer a kernel touches: compartments it reads, values it loads from
// other kernels, and where its outputs go.
std::vector<Buffer> kernel_buffers(const ProcessPlan& pp, const Kernel& k) {
  std::map<std::string, Buffer> out;
  auto add = [&](const Buffer& b) { out.emplace(buffer_key(b), b); };
  for (const std::string& r : k.reads)
    if (!is_parameter_value(r)) add(Buffer{false, r, 0});  // those are loaded like parameters
  for (const KernelOutput& o : k.outputs) add(o.dest);
  std::vector<const ir::Node*> computed = k.fused;
  for (const KernelOutput& o : k.outputs) computed.push_back(o.node);
  for (const ir::Node* n : computed)
    for (const ir::NodeRef& op : n->operands) {
      auto m = pp.materialized.find(op.get());
      if (m != pp.materialized.end()) add(m->second);
    }
  std::vector<Buffer> list;
  for (const auto& [key, b] : out) list.push_back(b);
  return list;
}

// check_C(state): the facts word of event matrix C (events.h): 1 when every
// element is finite, else 2, with every column's count of sign-clear
// elements in C.clear.
llvm::Function* emit_check(llvm::Module& m, const Plan& plan, const EventMatrix& e) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::Function* fn = llvm::Function::Create(llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false),
                                              llvm::Function::InternalLinkage, "check_" + e.name, m);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  const Slot& matrix = plan.layout.compartment(e.name);
  const int64_t K = matrix.type.shape[0], N = matrix.type.shape[1];
  auto at = [&](const std::string& name) {
    return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), fn->getArg(0), uint64_t(plan.layout.compartment(name).offset));
  };
  b.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", fn));
  llvm::Value* w = at(e.name);
  llvm::Value* clear = at(e.clear);
  llvm::Value* facts = at(e.facts);
  // The facts of a scaled matrix are those of the values the products add.
  llvm::Value* scale = e.scale.empty() ? nullptr : b.CreateLoad(b.getFloatTy(), at(e.scale));
  llvm::AllocaInst* nonfinite = b.CreateAlloca(b.getInt32Ty());
  b.CreateStore(b.getInt32(0), nonfinite);
  emit_loop(b, nullptr, b.getInt64(uint64_t(N)),
            [&](llvm::Value* j) { b.CreateStore(b.getInt32(0), b.CreateInBoundsGEP(b.getInt32Ty(), clear, j)); });
  emit_loop(b, nullptr, b.getInt64(uint64_t(K)), [&](llvm::Value* k) {
    llvm::Value* row = b.CreateInBoundsGEP(b.getInt32Ty(), w, b.CreateMul(k, b.getInt64(uint64_t(N))));
    emit_loop(b, nullptr, b.getInt64(uint64_t(N)), [&](llvm::Value* j) {
      llvm::Value* bits = b.CreateLoad(b.getInt32Ty(), b.CreateInBoundsGEP(b.getInt32Ty(), row, j));
      if (scale)
        bits = b.CreateBitCast(b.CreateFMul(b.CreateBitCast(bits, b.getFloatTy()), scale), b.getInt32Ty());
      llvm::Value* count = b.CreateInBoundsGEP(b.getInt32Ty(), clear, j);
      b.CreateStore(b.CreateAdd(b.CreateLoad(b.getInt32Ty(), count),
                                b.CreateZExt(b.CreateICmpSGE(bits, b.getInt32(0)), b.getInt32Ty())),
                    count);
      llvm::Value* exponent = b.CreateAnd(bits, b.getInt32(0x7f800000));
      b.CreateStore(b.CreateOr(b.CreateLoad(b.getInt32Ty(), nonfinite),
                               b.CreateZExt(b.CreateICmpEQ(exponent, b.getInt32(0x7f800000)), b.getInt32Ty())),
                    nonfinite);
    });
  });
  b.CreateStore(b.CreateSelect(b.CreateICmpNE(b.CreateLoad(b.getInt32Ty(), nonfinite), b.getInt32(0)),
                               b.getInt32(int32_t(FactsWord::NotFinite)), b.getInt32(int32_t(FactsWord::Finite))),
                facts);
  b.CreateRetVoid();
  return fn;
}

}  // namespace

KernelEmitter::KernelEmitter(llvm::Module& module, llvm::IRBuilder<>& b, const Plan& plan, const ProcessPlan& process,
                             const Kernel& kernel, llvm::Function* fn)
    : module_(module), b_(b), plan_(plan), process_(process), kernel_(kernel), fn_(fn) {
  auto arg = fn->arg_begin();
  state_ = &*arg++;
  t_ = &*arg++;
  dt_ = &*arg++;
  lo_ = &*arg++;
  hi_ = &*arg++;
  for (; arg != fn->arg_end(); ++arg) buffers_[std::string(arg->getName())] = &*arg;
}

llvm::Type* KernelEmitter::register_type(ir::DType d) {
  switch (d) {
    case ir::DType::F32: return b_.getFloatTy();
    case ir::DType::I32: return b_.getInt32Ty();
    case ir::DType::Bool: return b_.getInt1Ty();
    case ir::DType::F64: return b_.getDoubleTy();
  }
  return nullptr;
}

llvm::Value* KernelEmitter::buffer(const Buffer& buf) { return buffers_.at(buffer_key(buf)); }

// Nested counted loops over `extents` (i64 values), outermost first; `body`
// receives the induction variables. Each body is emitted once, in its own
// value-cache scope.
void KernelEmitter::loops(const std::vector<llvm::Value*>& extents, const std::function<void(const Index&)>& body,
                          llvm::Value* start, size_t start_axis) {
  Index idx;
  std::function<void(size_t)> level = [&](size_t d) {
    if (d == extents.size()) {
      auto saved = cache_;
      body(idx);
      cache_ = std::move(saved);
      return;
    }
    emit_loop(b_, d == start_axis ? start : nullptr, extents[d], [&](llvm::Value* i) {
      idx.push_back(i);
      level(d + 1);
      idx.pop_back();
    });
  };
  level(0);
}

void KernelEmitter::emit_body(bool versions) {
  emit_versions(versions ? runtime_switches() : std::vector<const ir::Node*>{}, 0);
  b_.CreateRetVoid();
}

// Whether computing `n` element by element in this kernel costs more than a
// select's few instructions: a draw, a division, a square root or a
// transcendental function on arrays (scalars are computed once, outside the
// loops, anyway).
bool KernelEmitter::costly(const ir::Node* n, std::set<const ir::Node*>& seen) const {
  if (!seen.insert(n).second || n->type.shape.rank() == 0) return false;
  if (std::find(kernel_.fused.begin(), kernel_.fused.end(), n) == kernel_.fused.end()) return false;  // stored
  switch (n->op) {
    case ir::Op::Uniform: case ir::Op::Normal: case ir::Op::Bernoulli: case ir::Op::Div: case ir::Op::Sqrt:
    case ir::Op::Exp: case ir::Op::Log: case ir::Op::Tanh: case ir::Op::Sigmoid: case ir::Op::Sin: case ir::Op::Cos:
    case ir::Op::Pow:
      return true;
    default: break;
  }
  for (const ir::NodeRef& o : n->operands)
    if (costly(o.get(), seen)) return true;
  return false;
}

// The conditions of the kernel's selects that depend on parameters only (an
// 'if' on run-time parameters, branches.cpp) and choose between sides of
// which one is costly: at most two, the outermost, decided once per call
// before the loops.
// Other selects compute both sides, a few vectorized instructions, rather
// than double the code.
std::vector<const ir::Node*> KernelEmitter::runtime_switches() const {
  // Outputs first, then the fused values from the last: a select nearer the
  // stored values decides more of the loop than one inside its sides.
  std::vector<const ir::Node*> nodes, out;
  for (const KernelOutput& o : kernel_.outputs) nodes.push_back(o.node);
  nodes.insert(nodes.end(), kernel_.fused.rbegin(), kernel_.fused.rend());
  for (const ir::Node* n : nodes) {
    if (n->op != ir::Op::Select || out.size() == 2) continue;
    const ir::Node* c = n->operands[0].get();
    const bool of_parameters = ir::is_parameter_expression(*c) ||
                               (c->op == ir::Op::Read && is_parameter_value(c->attrs.name));  // derive.h
    if (c->type != ir::Type{ir::DType::Bool, {}} || !of_parameters || std::find(out.begin(), out.end(), c) != out.end())
      continue;
    std::set<const ir::Node*> seen;
    if (costly(n->operands[1].get(), seen) || costly(n->operands[2].get(), seen)) out.push_back(c);
  }
  return out;
}

// One version of the kernel's loops per outcome of switches i..: each
// computes only the taken side of the selects on them (values of the other
// side are never needed: a select's result is its taken operand).
void KernelEmitter::emit_versions(const std::vector<const ir::Node*>& switches, size_t i) {
  if (i == switches.size()) {
    switch (kernel_.kind) {
      case KernelKind::Elementwise: elementwise_kernel(); break;
      case KernelKind::MatMul: matmul_kernel(); break;
      case KernelKind::RowSweep: row_sweep_kernel(); break;
      case KernelKind::Reduce: reduce_kernel(); break;
      case KernelKind::Concat: concat_kernel(); break;
      case KernelKind::Sparse: sparse_kernel(); break;
    }
    return;
  }
  llvm::Value* c = value(switches[i], {});
  llvm::BasicBlock* yes = llvm::BasicBlock::Create(b_.getContext(), "taken", fn_);
  llvm::BasicBlock* no = llvm::BasicBlock::Create(b_.getContext(), "not_taken", fn_);
  llvm::BasicBlock* next = llvm::BasicBlock::Create(b_.getContext(), "decided", fn_);
  b_.CreateCondBr(c, yes, no);
  // Values computed inside one version do not reach the other.
  const auto cache = cache_;
  for (bool outcome : {true, false}) {
    b_.SetInsertPoint(outcome ? yes : no);
    cache_ = cache;
    decided_[switches[i]] = outcome;
    emit_versions(switches, i + 1);
    b_.CreateBr(next);
  }
  decided_.erase(switches[i]);
  cache_ = cache;
  b_.SetInsertPoint(next);
}

std::vector<llvm::Value*> extents_of(llvm::IRBuilder<>& b, const ir::Shape& s) {
  std::vector<llvm::Value*> e;
  for (int64_t d : s.dims) e.push_back(b.getInt64(uint64_t(d)));
  return e;
}

// Every output computed at the loop's index, then stored: all loads of an
// iteration come before its stores, so an output may replace a compartment
// that the same loop reads at the same index.
// Whether, in the version of the loops being emitted, an output is its own
// compartment's value at the same element (a select decided for the side
// that keeps it, as a factored compartment's storage when the factors hold
// the value, factor.cpp): storing it would change nothing, so it is neither
// computed nor stored.
bool KernelEmitter::unchanged(const KernelOutput& o) const {
  const ir::Node* n = o.node;
  while (n->op == ir::Op::Select) {
    auto d = decided_.find(n->operands[0].get());
    if (d == decided_.end()) return false;
    n = n->operands[d->second ? 1 : 2].get();
  }
  return n->op == ir::Op::Read && !o.dest.scratch && n->attrs.name == o.dest.compartment && n->type == o.node->type;
}

void KernelEmitter::elementwise_kernel() {
  const std::vector<llvm::Value*> extents = extents_of(b_, kernel_.domain);
  auto element = [&](const Index& idx) {
    std::vector<llvm::Value*> results;
    for (const KernelOutput& o : kernel_.outputs) {
      llvm::Value* v = unchanged(o) ? nullptr : compute(o.node, idx);
      if (v) cache_[{o.node, idx}] = v;
      results.push_back(v);
    }
    for (size_t k = 0; k < results.size(); ++k)
      if (results[k]) store(buffer(kernel_.outputs[k].dest), kernel_.outputs[k].node->type, idx, results[k]);
  };
  // This call's rows, or columns: [lo, hi) of the split axis.
  const size_t axis = kernel_.split_columns ? extents.size() - 1 : 0;
  std::vector<llvm::Value*> range = extents;
  if (!range.empty()) range[axis] = hi_;
  if (!kernel_.split_columns) {
    loops(range, element, extents.empty() ? nullptr : lo_, axis);
    return;
  }
  // Split by columns: a call over all of them (one thread, one rank) keeps
  // the rows' constant length, which the vectorizer plans for (a run-time
  // length made a DC-SNN evolve 16% slower).
  llvm::Value* all = b_.CreateAnd(b_.CreateICmpEQ(lo_, i64(0)), b_.CreateICmpEQ(hi_, extents[axis]));
  emit_if_else(b_, all, [&] { loops(extents, element); }, [&] { loops(range, element, lo_, axis); });
}

// out[i, j] = sum over k ascending of a[i, k] * b[k, j], the sum starting at
// the k = 0 product (K > 1: smaller products are fused element-wise): initialised from k = 0, then one pass over j per k, so
// the inner loop runs over independent outputs and vectorizes.
void KernelEmitter::matmul_kernel() {
  const ir::Node* mm = kernel_.outputs[0].node;
  const ir::Node* a = mm->operands[0].get();
  const ir::Node* bm = mm->operands[1].get();
  int64_t M = mm->type.shape[0], N = mm->type.shape[1], K = a->type.shape[1];
  llvm::Value* out = buffer(kernel_.outputs[0].dest);
  // This call computes rows [lo, hi), or with one row, columns [lo, hi).
  const bool by_rows = M > 1;
  llvm::Value* row_end = by_rows ? hi_ : i64(M);
  llvm::Value* row_start = by_rows ? lo_ : nullptr;
  llvm::Value* col_end = by_rows ? i64(N) : hi_;
  llvm::Value* col_start = by_rows ? nullptr : lo_;
  llvm::BasicBlock* done = nullptr;
  if (kernel_.events) {
    llvm::Value* facts = b_.CreateLoad(
        b_.getInt32Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state_,
                                                         uint64_t(plan_.layout.compartment(kernel_.events->facts).offset)));
    llvm::BasicBlock* events = llvm::BasicBlock::Create(b_.getContext(), "events", fn_);
    llvm::BasicBlock* dense = llvm::BasicBlock::Create(b_.getContext(), "dense", fn_);
    done = llvm::BasicBlock::Create(b_.getContext(), "done", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(facts, b_.getInt32(int32_t(FactsWord::Finite))), events, dense);
    b_.SetInsertPoint(events);
    event_products(a, bm, out, K);
    b_.CreateBr(done);
    b_.SetInsertPoint(dense);
  }
  loops({row_end}, [&](const Index& i) {
    loops({col_end}, [&](const Index& j) {
      store(out, mm->type, {i[0], j[0]}, b_.CreateFMul(value(a, {i[0], i64(0)}), value(bm, {i64(0), j[0]})));
    }, col_start);
    llvm::Value* k_count = i64(K - 1);
    loops({k_count}, [&](const Index& km1) {
      llvm::Value* k = b_.CreateAdd(km1[0], i64(1));
      llvm::Value* aik = value(a, {i[0], k});
      loops({col_end}, [&](const Index& j) {
        Index at = {i[0], j[0]};
        llvm::Value* acc = load(out, mm->type, at);
        store(out, mm->type, at, b_.CreateFAdd(acc, b_.CreateFMul(aik, value(bm, {k, j[0]}))));
      }, col_start);
    });
  }, row_start);
  if (done) {
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }
}

// Columns [lo, hi) of x @ W, adding only the rows k whose x[k] is not +0
// (events.h): each column sums its kept terms in ascending k into -0; a -0
// result becomes +0 when a skipped row of the column holds a sign-clear
// element (the matrix's per-column count minus the kept rows' sign-clear
// elements).
void KernelEmitter::event_products(const ir::Node* x, const ir::Node* w, llvm::Value* out, int64_t K) {
  const ir::Type row_type{ir::DType::F32, ir::Shape{1, w->type.shape[1]}};
  llvm::Value* clear = b_.CreateConstInBoundsGEP1_64(
      b_.getInt8Ty(), state_, uint64_t(plan_.layout.compartment(kernel_.events->clear).offset));
  llvm::AllocaInst* kept;
  {
    llvm::IRBuilder<> at_entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    kept = at_entry.CreateAlloca(b_.getInt64Ty());
  }
  b_.CreateStore(i64(0), kept);
  llvm::Value* minus_zero = llvm::ConstantFP::get(b_.getFloatTy(), -0.0);
  auto is_kept = [&](llvm::Value* xk) { return b_.CreateICmpNE(b_.CreateBitCast(xk, b_.getInt32Ty()), b_.getInt32(0)); };
  loops({hi_}, [&](const Index& j) { store(out, row_type, {i64(0), j[0]}, minus_zero); }, lo_);
  loops({i64(K)}, [&](const Index& k) {
    llvm::Value* xk = value(x, {i64(0), k[0]});
    emit_if(b_, is_kept(xk), [&] {
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), kept), i64(1)), kept);
      loops({hi_}, [&](const Index& j) {
        Index at = {i64(0), j[0]};
        store(out, row_type, at, b_.CreateFAdd(load(out, row_type, at), b_.CreateFMul(xk, value(w, {k[0], j[0]}))));
      }, lo_);
    });
  });
  llvm::Value* any_kept = b_.CreateICmpNE(b_.CreateLoad(b_.getInt64Ty(), kept), i64(0));
  loops({hi_}, [&](const Index& j) {
    llvm::Value* r = load(out, row_type, {i64(0), j[0]});
    emit_if(b_, b_.CreateICmpEQ(b_.CreateBitCast(r, b_.getInt32Ty()), b_.getInt32(int32_t(0x80000000u))), [&] {
      llvm::Value* count_ptr = b_.CreateInBoundsGEP(b_.getInt32Ty(), clear, j[0]);
      llvm::AllocaInst* skipped_clear;
      {
        llvm::IRBuilder<> at_entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
        skipped_clear = at_entry.CreateAlloca(b_.getInt32Ty());
      }
      b_.CreateStore(b_.CreateLoad(b_.getInt32Ty(), count_ptr), skipped_clear);
      emit_if(b_, any_kept, [&] {
        loops({i64(K)}, [&](const Index& k) {
          llvm::Value* xk = value(x, {i64(0), k[0]});
          emit_if(b_, is_kept(xk), [&] {
            llvm::Value* bits = b_.CreateBitCast(value(w, {k[0], j[0]}), b_.getInt32Ty());
            llvm::Value* sign_clear = b_.CreateZExt(b_.CreateICmpSGE(bits, b_.getInt32(0)), b_.getInt32Ty());
            b_.CreateStore(b_.CreateSub(b_.CreateLoad(b_.getInt32Ty(), skipped_clear), sign_clear), skipped_clear);
          });
        });
      });
      emit_if(b_, b_.CreateICmpSGT(b_.CreateLoad(b_.getInt32Ty(), skipped_clear), b_.getInt32(0)), [&] {
        store(out, row_type, {i64(0), j[0]}, llvm::ConstantFP::get(b_.getFloatTy(), 0.0));
      });
    });
  }, lo_);
}

// A table of connectivity `name` as a constant global of the module: the
// structure is the program's, shared by every state.
llvm::Value* KernelEmitter::connectivity_table(const std::string& name, const char* table,
                                               const std::vector<int32_t>& values) {
  const std::string symbol = "connectivity." + name + "." + table;
  if (llvm::GlobalVariable* g = module_.getNamedGlobal(symbol)) return g;
  llvm::Constant* data = llvm::ConstantDataArray::get(module_.getContext(), llvm::ArrayRef<int32_t>(values));
  auto* g = new llvm::GlobalVariable(module_, data->getType(), true, llvm::GlobalValue::PrivateLinkage, data, symbol);
  g->setAlignment(llvm::Align(kAlignment));
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return g;
}

// sparse_matmul: every output starts at +0; then, for each batch row b and
// input row r in ascending order whose input is not a zero, each connection
// (r, j) adds x[b, r] * value to output j (docs/SEMANTICS.md), so a step
// reads the connections of the inputs that spiked and nothing else.
// gather: out[e] = x[row(e), column(e)], the matrix computed only at the
// connections (an initializer's draws included).
void KernelEmitter::sparse_kernel() {
  const ir::Node* n = kernel_.outputs[0].node;
  const ir::ConnectivityTables& t = *plan_.connectivities.at(n->attrs.name);
  llvm::Value* out = buffer(kernel_.outputs[0].dest);
  llvm::Value* row_start = connectivity_table(n->attrs.name, "row_start", t.row_start);
  llvm::Value* column = t.entries() ? connectivity_table(n->attrs.name, "column", t.column) : nullptr;
  llvm::Value* value_index = t.value.empty() ? nullptr : connectivity_table(n->attrs.name, "value", t.value);
  auto table_at = [&](llvm::Value* table, llvm::Value* i) {
    return b_.CreateSExt(b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), table, i)), b_.getInt64Ty());
  };
  // Connections e in [begin, end) (row r's: row_start[r] to row_start[r + 1]).
  auto connections = [&](llvm::Value* begin, llvm::Value* end, const std::function<void(llvm::Value*)>& body) {
    emit_loop(b_, begin, end, [&](llvm::Value* e) {
      auto saved = cache_;
      body(e);
      cache_ = std::move(saved);
    });
  };
  if (n->op == ir::Op::Gather) {
    if (!column) return;  // no connections: no outputs
    const ir::Node* x = n->operands[0].get();
    loops({i64(t.rows)}, [&](const Index& r) {
      connections(table_at(row_start, r[0]), table_at(row_start, b_.CreateAdd(r[0], i64(1))), [&](llvm::Value* e) {
        store(out, n->type, {e}, value(x, {r[0], table_at(column, e)}));
      });
    });
    return;
  }
  const ir::Node* x = n->operands[0].get();
  const ir::Node* values = n->operands[1].get();
  const int64_t B = n->type.shape[0], N = n->type.shape[1];
  // This call computes columns [lo, hi). A row's connections are in
  // ascending column order, so those into [lo, hi) are one run of them,
  // found by two binary searches (none for a call over all columns).
  //
  // The first connection in [first, last) whose column is at least
  // `target`; `known` instead when `skip` holds.
  auto first_at_least = [&](llvm::Value* first, llvm::Value* last, llvm::Value* target, llvm::Value* skip,
                            llvm::Value* known) {
    llvm::LLVMContext& c = b_.getContext();
    llvm::BasicBlock* pre = b_.GetInsertBlock();
    llvm::BasicBlock* header = llvm::BasicBlock::Create(c, "search", fn_);
    llvm::BasicBlock* probe = llvm::BasicBlock::Create(c, "probe", fn_);
    llvm::BasicBlock* found = llvm::BasicBlock::Create(c, "found", fn_);
    b_.CreateCondBr(skip, found, header);
    b_.SetInsertPoint(header);
    llvm::PHINode* lo = b_.CreatePHI(b_.getInt64Ty(), 2);
    llvm::PHINode* hi = b_.CreatePHI(b_.getInt64Ty(), 2);
    lo->addIncoming(first, pre);
    hi->addIncoming(last, pre);
    b_.CreateCondBr(b_.CreateICmpSLT(lo, hi), probe, found);
    b_.SetInsertPoint(probe);
    llvm::Value* mid = b_.CreateLShr(b_.CreateAdd(lo, hi), 1);
    llvm::Value* below = b_.CreateICmpSLT(table_at(column, mid), target);
    lo->addIncoming(b_.CreateSelect(below, b_.CreateAdd(mid, i64(1)), lo), probe);
    hi->addIncoming(b_.CreateSelect(below, hi, mid), probe);
    b_.CreateBr(header);
    b_.SetInsertPoint(found);
    llvm::PHINode* at = b_.CreatePHI(b_.getInt64Ty(), 2);
    at->addIncoming(known, pre);
    at->addIncoming(lo, header);
    return static_cast<llvm::Value*>(at);
  };
  // Row r's connections into columns [lo, hi).
  auto own_connections = [&](llvm::Value* r, const std::function<void(llvm::Value*)>& body) {
    if (!column) return;
    llvm::Value* row_end = table_at(row_start, b_.CreateAdd(r, i64(1)));
    llvm::Value* row_begin = table_at(row_start, r);
    llvm::Value* begin = first_at_least(row_begin, row_end, lo_, b_.CreateICmpSLE(lo_, i64(0)), row_begin);
    connections(begin, first_at_least(begin, row_end, hi_, b_.CreateICmpSGE(hi_, i64(N)), row_end), body);
  };
  loops({i64(B), hi_}, [&](const Index& at) {
    store(out, n->type, at, llvm::ConstantFP::get(b_.getFloatTy(), 0.0));
  }, lo_, 1);
  // Row r of batch row b adds its connections when its input is not a zero.
  auto visit = [&](llvm::Value* b, llvm::Value* first, llvm::Value* last) {
    loops({last}, [&](const Index& r) {
      const Index br = {b, r[0]};
      llvm::Value* xr = value(x, br);
      emit_if(b_, b_.CreateFCmpUNE(xr, llvm::ConstantFP::get(b_.getFloatTy(), 0.0)), [&] {
        own_connections(br[1], [&](llvm::Value* e) {
          llvm::Value* slot = value_index ? table_at(value_index, e) : e;
          llvm::Value* w = value(values, unravel(slot, values->type.shape));
          const Index o = {br[0], table_at(column, e)};
          store(out, n->type, o, b_.CreateFAdd(load(out, n->type, o), b_.CreateFMul(xr, w)));
        });
      });
    }, first);
  };
  // Whole blocks of kScanBlock rows first: one branch-free OR of the
  // block's compares (vector code) decides whether any of its rows adds,
  // and only such a block is visited row by row. With spikes as inputs most
  // blocks are skipped for a few instructions, where a row-by-row scan
  // costs a compare and a branch per row. The rows after the last whole
  // block are visited one by one. Each output still adds its rows in
  // ascending order.
  constexpr int64_t kScanBlock = 16;
  const int64_t whole = t.rows / kScanBlock;
  loops({i64(B), i64(whole)}, [&](const Index& bk) {
    llvm::Value* first = b_.CreateMul(bk[1], i64(kScanBlock));
    llvm::Value* any = b_.getFalse();
    for (int64_t k = 0; k < kScanBlock; ++k) {
      auto saved = cache_;
      llvm::Value* xr = value(x, {bk[0], b_.CreateAdd(first, i64(k))});
      any = b_.CreateOr(any, b_.CreateFCmpUNE(xr, llvm::ConstantFP::get(b_.getFloatTy(), 0.0)));
      cache_ = std::move(saved);
    }
    emit_if(b_, any, [&] { visit(bk[0], first, b_.CreateAdd(first, i64(kScanBlock))); });
  });
  if (t.rows % kScanBlock != 0)
    loops({i64(B)}, [&](const Index& b) { visit(b[0], i64(whole * kScanBlock), i64(t.rows)); });
}

// An element-wise loop over [K,N] whose iteration (k, j) also adds row k's
// term to element j of each [1,K] @ [K,N] product: the product starts at the
// k = 0 term and adds k in ascending order, as in matmul_kernel. A call
// computes columns [lo, hi) of every row. All loads of an iteration come
// before its stores, so the product reads the matrix before the loop's own
// outputs replace it.
void KernelEmitter::row_sweep_kernel() {
  const int64_t K = kernel_.domain[0];
  auto is_swept = [&](const ir::Node* n) {
    return std::find(kernel_.swept.begin(), kernel_.swept.end(), n) != kernel_.swept.end();
  };
  auto row = [&](llvm::Value* k, bool first) {
    loops({hi_}, [&](const Index& j) {
      const Index at = {k, j[0]};
      std::vector<llvm::Value*> results(kernel_.outputs.size());
      for (size_t o = 0; o < kernel_.outputs.size(); ++o) {
        const ir::Node* n = kernel_.outputs[o].node;
        if (is_swept(n) || unchanged(kernel_.outputs[o])) continue;
        results[o] = compute(n, at);
        cache_[{n, at}] = results[o];
      }
      for (size_t o = 0; o < kernel_.outputs.size(); ++o) {
        const ir::Node* n = kernel_.outputs[o].node;
        if (!is_swept(n)) continue;
        llvm::Value* term = b_.CreateFMul(value(n->operands[0].get(), {i64(0), k}),
                                          value(n->operands[1].get(), at));
        results[o] = first ? term : b_.CreateFAdd(load(buffer(kernel_.outputs[o].dest), n->type, {i64(0), j[0]}), term);
      }
      for (size_t o = 0; o < kernel_.outputs.size(); ++o) {
        const ir::Node* n = kernel_.outputs[o].node;
        if (results[o]) store(buffer(kernel_.outputs[o].dest), n->type, is_swept(n) ? Index{i64(0), j[0]} : at, results[o]);
      }
    }, lo_);
  };
  row(i64(0), true);
  if (K > 1) loops({i64(K - 1)}, [&](const Index& km1) { row(b_.CreateAdd(km1[0], i64(1)), false); });
}

// Reductions fold the reduced axis in ascending order, the running value
// starting at the element k = 0. argmax finishes each output before the next;
// the others fold one k at a time into every output, so the inner loop runs
// over independent outputs and vectorizes while each output still folds k in
// ascending order.
void KernelEmitter::reduce_kernel() {
  const ir::Node* r = kernel_.outputs[0].node;
  const ir::Node* x = r->operands[0].get();
  const ir::Shape& in = x->type.shape;
  const int axis = r->attrs.axis;
  const int64_t len = in[axis];
  llvm::Value* out = buffer(kernel_.outputs[0].dest);
  const bool f32 = x->type.dtype == ir::DType::F32;
  llvm::Type* ty = register_type(x->type.dtype);
  const std::vector<llvm::Value*> outputs = extents_of(b_, r->type.shape);
  // Element k of the reduced axis that output o folds.
  auto at = [&](const Index& o, llvm::Value* k) {
    Index ix;
    size_t src = 0;
    for (int a = 0; a < in.rank(); ++a) {
      if (a == axis) {
        ix.push_back(k);
        if (r->attrs.keepdims) ++src;
      } else {
        ix.push_back(o[src++]);
      }
    }
    return value(x, ix);
  };
  auto entry_alloca = [&](llvm::Type* t) {
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    return entry.CreateAlloca(t);
  };

  if (r->op == ir::Op::ArgMax) {
    llvm::AllocaInst* best = entry_alloca(b_.getInt64Ty());
    llvm::AllocaInst* best_value = entry_alloca(ty);
    loops(outputs, [&](const Index& o) {
      b_.CreateStore(i64(0), best);
      b_.CreateStore(at(o, i64(0)), best_value);
      loops({i64(len - 1)}, [&](const Index& km1) {
        llvm::Value* k = b_.CreateAdd(km1[0], i64(1));
        llvm::Value* v = at(o, k);
        llvm::Value* cur = b_.CreateLoad(ty, best_value);
        // The first NaN wins; otherwise a strictly larger value.
        llvm::Value* take = f32 ? b_.CreateAnd(b_.CreateFCmpORD(cur, cur),
                                               b_.CreateOr(b_.CreateFCmpUNO(v, v), b_.CreateFCmpOGT(v, cur)))
                                : b_.CreateICmpSGT(v, cur);
        b_.CreateStore(b_.CreateSelect(take, k, b_.CreateLoad(b_.getInt64Ty(), best)), best);
        b_.CreateStore(b_.CreateSelect(take, v, cur), best_value);
      });
      store(out, r->type, o, b_.CreateTrunc(b_.CreateLoad(b_.getInt64Ty(), best), b_.getInt32Ty()));
    });
    return;
  }
  if (len == 0) {
    llvm::Value* empty = f32 ? static_cast<llvm::Value*>(llvm::ConstantFP::get(
                                   b_.getFloatTy(), r->op == ir::Op::Mean ? std::nan("") : 0.0))
                             : b_.getInt32(0);
    loops(outputs, [&](const Index& o) { store(out, r->type, o, empty); });
    return;
  }
  loops(outputs, [&](const Index& o) { store(out, r->type, o, at(o, i64(0))); });
  loops({i64(len - 1)}, [&](const Index& km1) {
    llvm::Value* k = b_.CreateAdd(km1[0], i64(1));
    loops(outputs, [&](const Index& o) {
      llvm::Value* a = load(out, r->type, o);
      llvm::Value* v = at(o, k);
      llvm::Value* next = r->op == ir::Op::ReduceMax
                              ? (f32 ? b_.CreateMaximum(a, v) : b_.CreateSelect(b_.CreateICmpSGE(a, v), a, v))
                              : (f32 ? b_.CreateFAdd(a, v) : b_.CreateAdd(a, v));
      store(out, r->type, o, next);
    });
  });
  if (r->op == ir::Op::Mean) {
    llvm::Value* n = llvm::ConstantFP::get(b_.getFloatTy(), double(float(len)));
    loops(outputs, [&](const Index& o) { store(out, r->type, o, b_.CreateFDiv(load(out, r->type, o), n)); });
  }
}

// Each operand's elements are copied to their place along the axis.
void KernelEmitter::concat_kernel() {
  const ir::Node* c = kernel_.outputs[0].node;
  llvm::Value* out = buffer(kernel_.outputs[0].dest);
  int64_t offset = 0;
  for (const ir::NodeRef& op : c->operands) {
    const ir::Node* part = op.get();
    int64_t at = offset;
    loops(extents_of(b_, part->type.shape), [&](const Index& idx) {
      Index dst = idx;
      dst[size_t(c->attrs.axis)] = b_.CreateAdd(idx[size_t(c->attrs.axis)], i64(at));
      store(out, c->type, dst, value(part, idx));
    });
    offset += part->type.shape[c->attrs.axis];
  }
}

std::unique_ptr<llvm::Module> generate_module(const Plan& plan, llvm::LLVMContext& context, bool versions) {
  auto module = std::make_unique<llvm::Module>("neurofuse", context);
  llvm::IRBuilder<> b(context);
  llvm::Type* ptr = b.getPtrTy();
  const AbiTypes abi = abi_types(context);
  llvm::StructType* parallel = abi.parallel;  // the host's nf_parallel hook
  const std::map<const Kernel*, KernelSplit> splits = describe_splits(plan);
  // A hooked kernel's nf_split (neurofuse/module.h): what it writes, for
  // hosts that run its ranges in separate processes.
  auto split_table = [&](const Kernel& kernel, const std::string& name) -> llvm::Constant* {
    const KernelSplit& split = splits.at(&kernel);
    std::vector<llvm::Constant*> outputs;
    for (const SplitOutput& o : split.outputs)
      outputs.push_back(llvm::ConstantStruct::get(
          abi.split_output, {b.getInt64(uint64_t(o.offset)), b.getInt64(uint64_t(o.blocks)),
                             b.getInt64(uint64_t(o.stride)), b.getInt64(uint64_t(o.unit)),
                             b.getInt64(uint64_t(o.copied_to)), b.getInt32(o.exchange ? 1 : 0), b.getInt32(0)}));
    llvm::Constant* list = llvm::ConstantPointerNull::get(b.getPtrTy());
    if (!outputs.empty()) {
      llvm::ArrayType* type = llvm::ArrayType::get(abi.split_output, outputs.size());
      list = new llvm::GlobalVariable(*module, type, true, llvm::GlobalValue::PrivateLinkage,
                                      llvm::ConstantArray::get(type, outputs), name + "_outputs");
    }
    return new llvm::GlobalVariable(
        *module, abi.split, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantStruct::get(abi.split, {b.getInt32(split.whole ? 1 : 0), b.getInt32(int32_t(outputs.size())), list}),
        name + "_split");
  };
  std::map<std::string, llvm::Function*> checks;
  for (const EventMatrix& e : plan.events) checks[e.name] = emit_check(*module, plan, e);
  for (const ProcessPlan& pp : plan.processes) {
    llvm::FunctionType* step_ty = llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getDoubleTy(), b.getDoubleTy()}, false);
    llvm::Function* step = llvm::Function::Create(step_ty, llvm::Function::InternalLinkage, body_symbol(pp.name), *module);
    step->getArg(0)->setName("state");
    step->getArg(1)->setName("t");
    step->getArg(2)->setName("dt");
    struct Emitted {
      llvm::Function* fn;
      llvm::Function* trampoline;  // (pack, lo, hi) -> fn, for the host's parallel hook
      llvm::Constant* split;       // its nf_split, when it has a trampoline
      llvm::StructType* pack;
      std::vector<Buffer> buffers;
      int64_t rows, work;
      const Kernel* kernel;
    };
    std::vector<Emitted> kernels;
    for (size_t k = 0; k < pp.kernels.size(); ++k) {
      const Kernel& kernel = pp.kernels[k];
      std::vector<Buffer> buffers = kernel_buffers(pp, kernel);
      std::vector<llvm::Type*> params = {ptr, b.getDoubleTy(), b.getDoubleTy(), b.getInt64Ty(), b.getInt64Ty()};
      params.insert(params.end(), buffers.size(), ptr);
      std::string name = "kernel_" + pp.name + "_" + std::to_string(k);
      llvm::Function* fn = llvm::Function::Create(llvm::FunctionType::get(b.getVoidTy(), params, false),
                                                  llvm::Function::InternalLinkage, name, *module);
      const char* fixed[] = {"state", "t", "dt", "lo", "hi"};
      for (unsigned i = 0; i < 5; ++i) fn->getArg(i)->setName(fixed[i]);
      for (size_t i = 0; i < buffers.size(); ++i) {
        llvm::Argument* a = fn->getArg(unsigned(5 + i));
        a->setName(buffer_key(buffers[i]));
        a->addAttr(llvm::Attribute::NoAlias);
        a->addAttr(llvm::Attribute::getWithAlignment(context, llvm::Align(kAlignment)));
      }
      fn->addFnAttr(llvm::Attribute::NoUnwind);
      b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", fn));
      KernelEmitter(*module, b, plan, pp, kernel, fn).emit_body(versions);

      Emitted e{fn, nullptr, nullptr, nullptr, buffers, split_extent(kernel), work_of(kernel), &kernel};
      if (splittable(kernel) && e.rows > 1) {
        e.split = split_table(kernel, name);
        std::vector<llvm::Type*> fields = {ptr, b.getDoubleTy(), b.getDoubleTy()};
        fields.insert(fields.end(), buffers.size(), ptr);
        e.pack = llvm::StructType::get(context, fields);
        e.trampoline = llvm::Function::Create(
            llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getInt64Ty(), b.getInt64Ty()}, false),
            llvm::Function::InternalLinkage, name + "_range", *module);
        e.trampoline->addFnAttr(llvm::Attribute::NoUnwind);
        b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", e.trampoline));
        llvm::Value* pack = e.trampoline->getArg(0);
        std::vector<llvm::Value*> args;
        for (unsigned i = 0; i < fields.size(); ++i) {
          args.push_back(b.CreateLoad(fields[i], b.CreateStructGEP(e.pack, pack, i)));
          if (i == 2) {
            args.push_back(e.trampoline->getArg(1));
            args.push_back(e.trampoline->getArg(2));
          }
        }
        b.CreateCall(fn, args);
        b.CreateRetVoid();
      }
      kernels.push_back(e);
    }
    llvm::BasicBlock* entry = llvm::BasicBlock::Create(context, "entry", step);
    b.SetInsertPoint(entry);
    auto address = [&](const Buffer& buf) {
      int64_t off = buf.scratch ? plan.layout.scratch_offset + buf.offset : plan.layout.compartment(buf.compartment).offset;
      return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), step->getArg(0), uint64_t(off));
    };
    // The host's nf_parallel hook (neurofuse/module.h): run and context.
    llvm::Value* hook = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), step->getArg(0), uint64_t(plan.layout.hooks_offset));
    llvm::Value* run = b.CreateLoad(ptr, b.CreateStructGEP(parallel, hook, 0));
    llvm::Value* run_context = b.CreateLoad(ptr, b.CreateStructGEP(parallel, hook, 1));
    llvm::FunctionType* run_ty =
        llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, ptr, b.getInt64Ty(), b.getInt64Ty(), ptr, ptr}, false);
    for (Emitted& e : kernels) {
      if (const std::optional<EventMatrix>& events = e.kernel->events) {
        // An unchecked matrix is checked before its first product.
        llvm::Value* facts = b.CreateLoad(b.getInt32Ty(), address(Buffer{false, events->facts, 0}));
        llvm::BasicBlock* check = llvm::BasicBlock::Create(context, "check", step);
        llvm::BasicBlock* checked = llvm::BasicBlock::Create(context, "checked", step);
        b.CreateCondBr(b.CreateICmpEQ(facts, b.getInt32(int32_t(FactsWord::Unchecked))), check, checked);
        b.SetInsertPoint(check);
        b.CreateCall(checks.at(events->name), {step->getArg(0)});
        b.CreateBr(checked);
        b.SetInsertPoint(checked);
      }
      std::vector<llvm::Value*> bufs;
      for (const Buffer& buf : e.buffers) bufs.push_back(address(buf));
      std::vector<llvm::Value*> args = {step->getArg(0), step->getArg(1), step->getArg(2), b.getInt64(0),
                                        b.getInt64(uint64_t(e.rows))};
      args.insert(args.end(), bufs.begin(), bufs.end());
      if (!e.trampoline) {
        b.CreateCall(e.fn, args);
        continue;
      }
      llvm::Value* pack;
      {
        llvm::IRBuilder<> at_entry(entry, entry->begin());
        pack = at_entry.CreateAlloca(e.pack);
      }
      llvm::BasicBlock* direct = llvm::BasicBlock::Create(context, "direct", step);
      llvm::BasicBlock* hooked = llvm::BasicBlock::Create(context, "hooked", step);
      llvm::BasicBlock* next = llvm::BasicBlock::Create(context, "next", step);
      b.CreateCondBr(b.CreateIsNull(run), direct, hooked);
      b.SetInsertPoint(direct);
      b.CreateCall(e.fn, args);
      b.CreateBr(next);
      // Only a call through the hook needs the arguments packed.
      b.SetInsertPoint(hooked);
      std::vector<llvm::Value*> fields = {step->getArg(0), step->getArg(1), step->getArg(2)};
      fields.insert(fields.end(), bufs.begin(), bufs.end());
      for (unsigned i = 0; i < fields.size(); ++i) b.CreateStore(fields[i], b.CreateStructGEP(e.pack, pack, i));
      b.CreateCall(run_ty, run, {run_context, e.trampoline, pack, b.getInt64(uint64_t(e.rows)),
                                 b.getInt64(uint64_t(e.work)), step->getArg(0), e.split});
      b.CreateBr(next);
      b.SetInsertPoint(next);
    }
    for (const Copy& c : pp.copies) {
      const Slot& to = plan.layout.compartment(c.to);
      b.CreateMemCpy(address(Buffer{false, c.to, 0}), llvm::MaybeAlign(kAlignment), address(c.from),
                     llvm::MaybeAlign(kAlignment), uint64_t(to.bytes));
    }
    b.CreateRetVoid();
    step->addFnAttr(llvm::Attribute::NoUnwind);
  }
  for (llvm::Function& f : *module) {
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (!f.isDeclaration() && llvm::verifyFunction(f, &os))
      throw Error("internal compiler error: LLVM rejected function '" + f.getName().str() + "': " + os.str());
  }
  return module;
}

}  // namespace nf::compiler
