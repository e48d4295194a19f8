#include "compiler/module_abi.h"

#include "compiler/derive.h"

#include <functional>

#include <llvm/IR/DataLayout.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/codegen.h"
#include "compiler/codegen_internal.h"
#include "compiler/kept.h"
#include "compiler/target.h"
#include "ir/diagnostic.h"
#include "neurofuse/module.h"

namespace nf::compiler {

namespace {

int32_t role_code(ir::Role r) {
  switch (r) {
    case ir::Role::Input: return NF_INPUT;
    case ir::Role::State: return NF_STATE;
    case ir::Role::Output: return NF_OUTPUT;
  }
  return NF_STATE;
}

const FactoredCompartment& factored(const KeptProgram& f, const std::string& name) {
  for (const FactoredCompartment& c : f.compartments)
    if (c.name == name) return c;
  throw Error("internal compiler error: '" + name + "' is not factored");
}

llvm::Value* word_at(llvm::IRBuilder<>& b, llvm::Value* state, const Plan& plan, const std::string& word) {
  return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), state, uint64_t(plan.layout.compartment(word).offset));
}

// Whether `form` is the word `w`.
llvm::Value* is(llvm::IRBuilder<>& b, llvm::Value* form, FormWord w) { return b.CreateICmpEQ(form, b.getInt32(int32_t(w))); }
llvm::Value* is(llvm::IRBuilder<>& b, llvm::Value* facts, FactsWord w) { return b.CreateICmpEQ(facts, b.getInt32(int32_t(w))); }

// A call of the materialize entry on a path that runs only for a
// compartment shared with the host: kept out of line, so the materializer's
// loop is compiled once, inside that entry.
void cold_call(llvm::CallInst* call) {
  call->addFnAttr(llvm::Attribute::NoInline);
  call->addFnAttr(llvm::Attribute::Cold);
}

// The factored compartments whose form some variant of process `v` writes.
std::vector<const FactoredCompartment*> forms_written(const KeptProgram& f, const ProcessVariants& v) {
  std::vector<const FactoredCompartment*> out;
  for (const FactoredCompartment& fc : f.compartments) {
    bool writes = false;
    for (const ir::Process& p : f.program.processes)
      if (p.name == v.name || p.name == v.dense)
        for (const ir::NodeRef& n : p.body) writes = writes || (n->op == ir::Op::Write && n->attrs.name == fc.form);
    if (writes) out.push_back(&fc);
  }
  return out;
}

// nf_process_P for every public process P: the variant that reads factors
// when every compartment it needs has the form Factors, else the variant
// that reads storage after materializing those that have. A compartment
// whose form was Shared when the step began has its storage made current
// (by `materialize`, the module's entry) and its form Shared again when it
// ends.
void emit_dispatchers(llvm::Module& m, const KeptProgram& f, const Plan& plan, llvm::Function* materialize) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::FunctionType* ty = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy(), b.getDoubleTy(), b.getDoubleTy()}, false);
  for (const ProcessVariants& v : f.processes) {
    llvm::Function* fn = llvm::Function::Create(ty, llvm::Function::ExternalLinkage, process_symbol(v.name), m);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    const char* arg_names[] = {"state", "t", "dt"};
    for (unsigned i = 0; i < 3; ++i) fn->getArg(i)->setName(arg_names[i]);
    llvm::Value* state = fn->getArg(0);
    std::vector<llvm::Value*> args = {state, fn->getArg(1), fn->getArg(2)};
    b.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", fn));
    std::vector<std::pair<const FactoredCompartment*, llvm::Value*>> shared;  // and whether it was at entry
    for (const FactoredCompartment* fc : forms_written(f, v))
      shared.push_back({fc, is(b, b.CreateLoad(b.getInt32Ty(), word_at(b, state, plan, fc->form)), FormWord::Shared)});
    llvm::BasicBlock* done = llvm::BasicBlock::Create(c, "done", fn);
    if (v.dense.empty()) {
      b.CreateCall(m.getFunction(body_symbol(v.name)), args);
      b.CreateBr(done);
    } else {
      llvm::Value* all_factored = b.getTrue();
      for (const std::string& need : v.needs) {
        llvm::Value* form = b.CreateLoad(b.getInt32Ty(), word_at(b, state, plan, factored(f, need).form));
        all_factored = b.CreateAnd(all_factored, is(b, form, FormWord::Factors));
      }
      llvm::BasicBlock* fast = llvm::BasicBlock::Create(c, "factors", fn);
      llvm::BasicBlock* slow = llvm::BasicBlock::Create(c, "storage", fn);
      b.CreateCondBr(all_factored, fast, slow);
      b.SetInsertPoint(fast);
      b.CreateCall(m.getFunction(body_symbol(v.name)), args);
      b.CreateBr(done);
      b.SetInsertPoint(slow);
      for (const std::string& need : v.needs) {
        const FactoredCompartment& fc = factored(f, need);
        llvm::Value* form = b.CreateLoad(b.getInt32Ty(), word_at(b, state, plan, fc.form));
        emit_if(b, is(b, form, FormWord::Factors),
                [&] { b.CreateCall(m.getFunction(body_symbol(fc.materialize)), args); });
      }
      b.CreateCall(m.getFunction(body_symbol(v.dense)), args);
      b.CreateBr(done);
    }
    b.SetInsertPoint(done);
    for (const auto& [fc, was_shared] : shared)
      emit_if(b, was_shared, [&] {
        cold_call(b.CreateCall(materialize, {state, b.getInt32(uint32_t(public_index(f, fc->name)))}));
        b.CreateStore(b.getInt32(int32_t(FormWord::Shared)), word_at(b, state, plan, fc->form));
      });
    b.CreateRetVoid();
  }
}

// An entry point f(state, compartment) of module.h that runs, for the public
// compartment given, what `on_factored` or `on_checked` emits (nothing for
// the others).
llvm::Function* emit_entry(llvm::Module& m, const KeptProgram& f, const char* name,
                           const std::function<void(llvm::IRBuilder<>&, llvm::Value* state, const FactoredCompartment&)>& on_factored,
                           const std::function<void(llvm::IRBuilder<>&, llvm::Value* state, const EventMatrix&)>& on_checked) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::Function* fn = llvm::Function::Create(
      llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy(), b.getInt32Ty()}, false), llvm::Function::InternalLinkage,
      name, m);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::Value* state = fn->getArg(0);
  b.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", fn));
  llvm::BasicBlock* done = llvm::BasicBlock::Create(c, "done", fn);
  llvm::SwitchInst* sw = b.CreateSwitch(fn->getArg(1), done);
  auto add_case = [&](const std::string& compartment, const std::function<void()>& emit) {
    llvm::BasicBlock* body = llvm::BasicBlock::Create(c, "case", fn);
    sw->addCase(b.getInt32(uint32_t(public_index(f, compartment))), body);
    b.SetInsertPoint(body);
    emit();
    b.CreateBr(done);
  };
  for (const FactoredCompartment& fc : f.compartments) add_case(fc.name, [&] { on_factored(b, state, fc); });
  for (const EventMatrix& e : f.events) {
    add_case(e.name, [&] { on_checked(b, state, e); });
    if (!e.scale.empty()) add_case(e.scale, [&] { on_checked(b, state, e); });  // its facts are the scaled values'
  }
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return fn;
}

void call_materializer(llvm::IRBuilder<>& b, llvm::Module& m, llvm::Value* state, const FactoredCompartment& fc) {
  b.CreateCall(m.getFunction(body_symbol(fc.materialize)),
               {state, llvm::ConstantFP::get(b.getDoubleTy(), 0.0), llvm::ConstantFP::get(b.getDoubleTy(), 0.0)});
}

// word = word == shared ? shared : reset: the host (or a drive) wrote the
// storage; a shared compartment stays shared.
template <class Word>
void forget(llvm::IRBuilder<>& b, llvm::Value* word, Word shared, Word reset) {
  llvm::Value* old = b.CreateLoad(b.getInt32Ty(), word);
  b.CreateStore(b.CreateSelect(is(b, old, shared), b.getInt32(int32_t(shared)), b.getInt32(int32_t(reset))), word);
}

// materialize(state, compartment) of module.h: the storage from the factors
// when they hold the value.
llvm::Function* emit_materialize(llvm::Module& m, const KeptProgram& f, const Plan& plan) {
  return emit_entry(
      m, f, "nf_materialize",
      [&](llvm::IRBuilder<>& b, llvm::Value* state, const FactoredCompartment& fc) {
        llvm::Value* form = b.CreateLoad(b.getInt32Ty(), word_at(b, state, plan, fc.form));
        emit_if(b, is(b, form, FormWord::Factors), [&] { call_materializer(b, m, state, fc); });
      },
      [](llvm::IRBuilder<>&, llvm::Value*, const EventMatrix&) {});
}

// invalidate(state, compartment) of module.h: the host wrote the storage.
llvm::Function* emit_invalidate(llvm::Module& m, const KeptProgram& f, const Plan& plan) {
  return emit_entry(
      m, f, "nf_invalidate",
      [&](llvm::IRBuilder<>& b, llvm::Value* state, const FactoredCompartment& fc) {
        forget(b, word_at(b, state, plan, fc.form), FormWord::Shared, FormWord::Storage);
      },
      [&](llvm::IRBuilder<>& b, llvm::Value* state, const EventMatrix& e) {
        forget(b, word_at(b, state, plan, e.facts), FactsWord::Shared, FactsWord::Unchecked);
      });
}

// share(state, compartment) of module.h: the host holds a pointer to the
// storage from now on; it is made current, and kept current by every step.
llvm::Function* emit_share(llvm::Module& m, const KeptProgram& f, const Plan& plan, llvm::Function* materialize) {
  return emit_entry(
      m, f, "nf_share",
      [&](llvm::IRBuilder<>& b, llvm::Value* state, const FactoredCompartment& fc) {
        cold_call(b.CreateCall(materialize, {state, b.getInt32(uint32_t(public_index(f, fc.name)))}));
        b.CreateStore(b.getInt32(int32_t(FormWord::Shared)), word_at(b, state, plan, fc.form));
      },
      [&](llvm::IRBuilder<>& b, llvm::Value* state, const EventMatrix& e) {
        b.CreateStore(b.getInt32(int32_t(FactsWord::Shared)), word_at(b, state, plan, e.facts));
      });
}

// derive(state) of module.h: the parameter values (derive.h), or nothing.
llvm::Function* emit_derive(llvm::Module& m) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::Function* fn = llvm::Function::Create(llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false),
                                              llvm::Function::InternalLinkage, "nf_derive", m);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  b.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", fn));
  if (llvm::Function* body = m.getFunction(body_symbol(ir::variant_name(ir::Variant::Derive, "parameters"))))
    b.CreateCall(body, {fn->getArg(0), llvm::ConstantFP::get(b.getDoubleTy(), 0.0),
                        llvm::ConstantFP::get(b.getDoubleTy(), 0.0)});
  b.CreateRetVoid();
  return fn;
}

// nf_scan: the step loop of module.h, in native code.
llvm::Function* emit_scan(llvm::Module& m, const KeptProgram& factored, const Plan& plan) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::Type* ptr = b.getPtrTy();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  const AbiTypes abi = abi_types(c);
  llvm::StructType* stream = abi.stream;
  llvm::FunctionType* ty = llvm::FunctionType::get(
      i64, {ptr, ptr, i32, b.getDoubleTy(), b.getDoubleTy(), i64, i64, ptr, i32, ptr}, false);
  llvm::Function* f = llvm::Function::Create(ty, llvm::Function::ExternalLinkage, "nf_scan", m);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::Value* state = f->getArg(0);
  llvm::Value* procs = f->getArg(1);
  llvm::Value* n_procs = f->getArg(2);
  llvm::Value* t0 = f->getArg(3);
  llvm::Value* dt = f->getArg(4);
  llvm::Value* first = f->getArg(5);
  llvm::Value* steps = f->getArg(6);
  llvm::Value* drives = f->getArg(7);
  llvm::Value* n_drives = f->getArg(8);
  llvm::Value* observer = f->getArg(9);
  llvm::StructType* observer_ty = abi.observer;

  auto bb = [&](const char* name) { return llvm::BasicBlock::Create(c, name, f); };
  auto stream_field = [&](llvm::Value* array, llvm::Value* k, unsigned field, llvm::Type* type) {
    return b.CreateLoad(type, b.CreateInBoundsGEP(stream, array, {k, b.getInt32(field)}));
  };

  // Runs `then` when a stream is compartment `name` (its offset and its
  // size: an empty compartment may share the offset of the next one).
  auto when_at = [&](llvm::Value* array, llvm::Value* k, const std::string& name, const std::function<void()>& then) {
    const Slot& slot = plan.layout.compartment(name);
    llvm::Value* same = b.CreateAnd(b.CreateICmpEQ(stream_field(array, k, 0, i64), b.getInt64(uint64_t(slot.offset))),
                                    b.CreateICmpEQ(stream_field(array, k, 1, i64), b.getInt64(uint64_t(slot.bytes))));
    emit_if(b, same, then);
  };
  auto for_factored = [&](llvm::Value* array, llvm::Value* k, const std::function<void(const FactoredCompartment&)>& then) {
    for (const FactoredCompartment& fc : factored.compartments) when_at(array, k, fc.name, [&] { then(fc); });
  };
  auto for_checked = [&](llvm::Value* array, llvm::Value* k, const std::function<void(const EventMatrix&)>& then) {
    for (const EventMatrix& e : factored.events) {
      when_at(array, k, e.name, [&] { then(e); });
      if (!e.scale.empty()) when_at(array, k, e.scale, [&] { then(e); });  // its facts are the scaled values'
    }
  };

  // for (k = 0; k < steps; ++k) { drives; processes; if (observer && observer->after_step(...)) return k + 1; }
  llvm::BasicBlock* entry = bb("entry");
  llvm::BasicBlock* head = bb("step");
  llvm::BasicBlock* body = bb("body");
  llvm::BasicBlock* finished = bb("finished");
  b.SetInsertPoint(entry);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  llvm::PHINode* k = b.CreatePHI(i64, 2, "k");
  k->addIncoming(b.getInt64(0), entry);
  b.CreateCondBr(b.CreateICmpSLT(k, steps), body, finished);
  b.SetInsertPoint(body);
  {
    emit_loop(b, nullptr, n_drives, [&](llvm::Value* d) {
      llvm::Value* bytes = stream_field(drives, d, 1, i64);
      llvm::Value* src = b.CreateInBoundsGEP(b.getInt8Ty(), stream_field(drives, d, 2, ptr), b.CreateMul(k, bytes));
      llvm::Value* dst = b.CreateInBoundsGEP(b.getInt8Ty(), state, stream_field(drives, d, 0, i64));
      b.CreateMemCpy(dst, llvm::MaybeAlign(4), src, llvm::MaybeAlign(1), bytes);
      for_factored(drives, d, [&](const FactoredCompartment& fc) {
        forget(b, word_at(b, state, plan, fc.form), FormWord::Shared, FormWord::Storage);
      });
      for_checked(drives, d, [&](const EventMatrix& e) {
        forget(b, word_at(b, state, plan, e.facts), FactsWord::Shared, FactsWord::Unchecked);
      });
    });
    // t of step first + k: t0 + (first + k) * dt in binary64 (docs/SEMANTICS.md, "Time").
    llvm::Value* step = b.CreateAdd(first, k);
    llvm::Value* now = b.CreateFAdd(t0, b.CreateFMul(b.CreateSIToFP(step, b.getDoubleTy()), dt));
    emit_loop(b, nullptr, n_procs, [&](llvm::Value* p) {
      llvm::Value* which = b.CreateLoad(i32, b.CreateInBoundsGEP(i32, procs, p));
      llvm::BasicBlock* after = bb("after");
      llvm::SwitchInst* sw = b.CreateSwitch(which, after, unsigned(factored.processes.size()));
      for (size_t i = 0; i < factored.processes.size(); ++i) {
        llvm::BasicBlock* call = bb("call");
        sw->addCase(b.getInt32(uint32_t(i)), call);
        b.SetInsertPoint(call);
        b.CreateCall(m.getFunction(process_symbol(factored.processes[i].name)), {state, now, dt});
        b.CreateBr(after);
      }
      b.SetInsertPoint(after);
    });
    // The observer, if any; a nonzero answer ends the scan after this step.
    llvm::Value* next = b.CreateAdd(k, b.getInt64(1));
    llvm::BasicBlock* observe = bb("observe");
    llvm::BasicBlock* stop = bb("stop");
    llvm::BasicBlock* latch = bb("latch");
    b.CreateCondBr(b.CreateIsNull(observer), latch, observe);
    b.SetInsertPoint(observe);
    llvm::Value* callback = b.CreateLoad(ptr, b.CreateStructGEP(observer_ty, observer, 0));
    llvm::Value* context = b.CreateLoad(ptr, b.CreateStructGEP(observer_ty, observer, 1));
    llvm::FunctionType* after_step_ty = llvm::FunctionType::get(i32, {ptr, ptr, i64}, false);
    llvm::Value* answer = b.CreateCall(after_step_ty, callback, {context, state, step});
    b.CreateCondBr(b.CreateICmpNE(answer, b.getInt32(0)), stop, latch);
    b.SetInsertPoint(stop);
    b.CreateRet(next);
    b.SetInsertPoint(latch);
    k->addIncoming(next, latch);
    b.CreateBr(head);
  }
  b.SetInsertPoint(finished);
  b.CreateRet(steps);
  return f;
}

}  // namespace

AbiTypes abi_types(llvm::LLVMContext& c) {
  llvm::Type* ptr = llvm::PointerType::get(c, 0);
  llvm::Type* i32 = llvm::Type::getInt32Ty(c);
  llvm::Type* i64 = llvm::Type::getInt64Ty(c);
  llvm::Type* f64 = llvm::Type::getDoubleTy(c);
  AbiTypes t;
  // name, shape, offset, bytes, form_offset, dtype, role, rank, init_bits, kept
  t.compartment = llvm::StructType::get(c, {ptr, ptr, i64, i64, i64, i32, i32, i32, i32, i32});
  t.param = llvm::StructType::get(c, {ptr, i64, f64});  // name, offset, default_value
  t.process = llvm::StructType::get(c, {ptr, ptr});     // name, step
  t.stream = llvm::StructType::get(c, {i64, i64, ptr});  // offset, bytes, data
  t.observer = llvm::StructType::get(c, {ptr, ptr});     // after_step, context
  t.alias = llvm::StructType::get(c, {ptr, ptr, i32});   // name, terms, n_terms
  // offset, blocks, stride, unit, copied_to, exchange, reserved
  t.split_output = llvm::StructType::get(c, {i64, i64, i64, i64, i64, i32, i32});
  t.split = llvm::StructType::get(c, {i32, i32, ptr});  // whole, n_outputs, outputs
  t.parallel = llvm::StructType::get(c, {ptr, ptr});     // run, context
  // abi_version, struct_size, model_name, target, features, state_size, alignment, seed_offset, hooks_offset,
  // default_seed, default_dt, n_compartments, n_params, n_processes, compartments, params, processes, scan,
  // materialize, derive, n_aliases, aliases, invalidate, share
  t.module_info = llvm::StructType::get(c, {i32, i32, ptr, ptr, ptr, i64, i64, i64, i64, i64, f64, i32, i32, i32, ptr, ptr,
                                            ptr, ptr, ptr, ptr, i32, ptr, ptr, ptr});
  return t;
}

std::vector<AbiLayout> abi_layouts() {
  Target target = make_target({});
  const llvm::DataLayout layout = target.machine->createDataLayout();
  llvm::LLVMContext context;
  const AbiTypes t = abi_types(context);
  std::vector<AbiLayout> out;
  const std::pair<const char*, llvm::StructType*> all[] = {
      {"nf_compartment_info", t.compartment}, {"nf_param_info", t.param}, {"nf_process_info", t.process},
      {"nf_stream", t.stream}, {"nf_observer", t.observer}, {"nf_alias_info", t.alias},
      {"nf_split_output", t.split_output}, {"nf_split", t.split}, {"nf_parallel", t.parallel},
      {"nf_module_info", t.module_info}};
  for (const auto& [name, type] : all) {
    const llvm::StructLayout* l = layout.getStructLayout(type);
    AbiLayout a{name, l->getSizeInBytes(), {}};
    for (unsigned i = 0; i < type->getNumElements(); ++i) a.offsets.push_back(l->getElementOffset(i));
    out.push_back(std::move(a));
  }
  return out;
}

int32_t dtype_code(ir::DType d) {
  switch (d) {
    case ir::DType::F32: return NF_F32;
    case ir::DType::I32: return NF_I32;
    case ir::DType::Bool: return NF_BOOL;
    case ir::DType::F64: break;  // never a compartment's
  }
  throw Error("internal compiler error: no compartment dtype code for f64");
}

ir::DType dtype_of_code(int32_t code) {
  return code == NF_I32 ? ir::DType::I32 : code == NF_BOOL ? ir::DType::Bool : ir::DType::F32;
}

Kept kept_of(const KeptProgram& f, const Layout& layout, const std::string& compartment) {
  for (const FactoredCompartment& fc : f.compartments)
    if (fc.name == compartment) return {NF_KEPT_FACTORED, layout.compartment(fc.form).offset};
  // A scale shares its matrix's facts word: the host's writes reset it too.
  for (const EventMatrix& e : f.events)
    if (e.name == compartment || e.scale == compartment) return {NF_KEPT_CHECKED, layout.compartment(e.facts).offset};
  return {NF_KEPT_PLAIN, -1};
}

// Tiered code (jit.h): every entry point the descriptor names becomes a
// jump through `nf_tier_table`, an exported array of function pointers that
// starts at this module's own functions and that the JIT repoints, entry by
// entry (an atomic store), at an optimized build's. The loads are acquire
// loads, so a step that sees the new entry sees its code. The scan's calls
// of the steps go through the table too, so a long scan switches code
// between two steps.
std::vector<llvm::Function*> route_through_table(llvm::Module& m, const std::vector<llvm::Function*>& entries) {
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  std::vector<llvm::Function*> jumps;
  std::vector<llvm::Constant*> own;
  for (llvm::Function* fn : entries) {
    const std::string name = fn->getName().str();
    fn->setName(name + ".own");
    fn->setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::Function* jump = llvm::Function::Create(fn->getFunctionType(), llvm::GlobalValue::ExternalLinkage, name, m);
    jump->addFnAttr(llvm::Attribute::NoUnwind);
    fn->replaceAllUsesWith(jump);  // the descriptor's fields and the scan's calls
    jumps.push_back(jump);
    own.push_back(fn);
  }
  llvm::ArrayType* table_ty = llvm::ArrayType::get(b.getPtrTy(), own.size());
  auto* table = new llvm::GlobalVariable(m, table_ty, false, llvm::GlobalValue::ExternalLinkage,
                                         llvm::ConstantArray::get(table_ty, own), "nf_tier_table");
  table->setAlignment(llvm::Align(8));
  for (size_t i = 0; i < jumps.size(); ++i) {
    llvm::Function* jump = jumps[i];
    b.SetInsertPoint(llvm::BasicBlock::Create(c, "entry", jump));
    llvm::LoadInst* target = b.CreateAlignedLoad(b.getPtrTy(), b.CreateConstInBoundsGEP2_64(table_ty, table, 0, i), llvm::Align(8));
    target->setAtomic(llvm::AtomicOrdering::Acquire);
    std::vector<llvm::Value*> args;
    for (llvm::Argument& a : jump->args()) args.push_back(&a);
    llvm::CallInst* call = b.CreateCall(jump->getFunctionType(), target, args);
    if (jump->getReturnType()->isVoidTy()) b.CreateRetVoid();
    else b.CreateRet(call);
  }
  return jumps;
}

void emit_module_abi(llvm::Module& m, const KeptProgram& f, const Plan& plan, const std::string& model_name,
                     const std::string& target, const std::string& features, bool tier_table) {
  const ir::Program& program = f.program;
  llvm::LLVMContext& c = m.getContext();
  llvm::IRBuilder<> b(c);
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  auto str = [&](const std::string& s) -> llvm::Constant* {
    return b.CreateGlobalString(s, "", 0, &m);
  };
  auto private_array = [&](llvm::ArrayType* ty, llvm::ArrayRef<llvm::Constant*> items, const char* name) -> llvm::Constant* {
    return new llvm::GlobalVariable(m, ty, true, llvm::GlobalValue::PrivateLinkage, llvm::ConstantArray::get(ty, items), name);
  };
  llvm::Function* materialize = emit_materialize(m, f, plan);
  emit_dispatchers(m, f, plan, materialize);
  llvm::Function* invalidate = emit_invalidate(m, f, plan);
  llvm::Function* share = emit_share(m, f, plan, materialize);
  llvm::Function* scan = emit_scan(m, f, plan);
  llvm::Function* derive = emit_derive(m);
  if (tier_table) {
    std::vector<llvm::Function*> entries;
    for (const ProcessVariants& p : f.processes) entries.push_back(m.getFunction(process_symbol(p.name)));
    for (llvm::Function* fn : {scan, materialize, derive, invalidate, share}) entries.push_back(fn);
    const std::vector<llvm::Function*> jumps = route_through_table(m, entries);
    const size_t n = f.processes.size();
    scan = jumps[n];
    materialize = jumps[n + 1];
    derive = jumps[n + 2];
    invalidate = jumps[n + 3];
    share = jumps[n + 4];
  }

  const AbiTypes abi = abi_types(c);
  llvm::StructType* comp_ty = abi.compartment;
  std::vector<llvm::Constant*> comps;
  for (size_t k = 0; k < f.public_compartments; ++k) {
    const ir::Compartment& comp = program.compartments[k];
    const Slot& slot = plan.layout.compartments[k];
    std::vector<uint64_t> dims(comp.type.shape.dims.begin(), comp.type.shape.dims.end());
    llvm::Constant* shape = new llvm::GlobalVariable(m, llvm::ArrayType::get(i64, dims.size()), true,
                                                     llvm::GlobalValue::PrivateLinkage,
                                                     llvm::ConstantDataArray::get(c, dims), "shape");
    const Kept kept = kept_of(f, plan.layout, comp.name);
    comps.push_back(llvm::ConstantStruct::get(
        comp_ty, {str(comp.name), shape, b.getInt64(uint64_t(slot.offset)), b.getInt64(uint64_t(slot.bytes)),
                  b.getInt64(uint64_t(kept.form_offset)),
                  b.getInt32(uint32_t(dtype_code(comp.type.dtype))), b.getInt32(uint32_t(role_code(comp.role))),
                  b.getInt32(uint32_t(comp.type.shape.rank())), b.getInt32(comp.init.word()),
                  b.getInt32(uint32_t(kept.kind))}));
  }
  llvm::StructType* param_ty = abi.param;
  std::vector<llvm::Constant*> params;
  for (size_t k = 0; k < program.params.size(); ++k)
    params.push_back(llvm::ConstantStruct::get(
        param_ty, {str(program.params[k].name), b.getInt64(uint64_t(plan.layout.params[k].offset)),
                   llvm::ConstantFP::get(b.getDoubleTy(), program.params[k].default_value)}));
  llvm::StructType* proc_ty = abi.process;
  std::vector<llvm::Constant*> procs;
  for (const ProcessVariants& p : f.processes)
    procs.push_back(llvm::ConstantStruct::get(proc_ty, {str(p.name), m.getFunction(process_symbol(p.name))}));

  // Aliases: their terms with compartments as public indices.
  llvm::StructType* alias_ty = abi.alias;
  std::vector<llvm::Constant*> aliases;
  for (const ir::Alias& a : program.aliases) {
    std::vector<uint32_t> terms;
    for (const std::string& t : a.terms) {
      if (t == "+" || t == "*") {
        terms.push_back(uint32_t(t == "+" ? NF_WIRE_ADD : NF_WIRE_MUL));
        continue;
      }
      const int index = public_index(f, t);
      if (index < 0) throw Error("internal compiler error: alias '" + a.name + "' reads '" + t + "', which is not public");
      terms.push_back(uint32_t(index));
    }
    llvm::Constant* array = new llvm::GlobalVariable(m, llvm::ArrayType::get(i32, terms.size()), true,
                                                     llvm::GlobalValue::PrivateLinkage,
                                                     llvm::ConstantDataArray::get(c, terms), "terms");
    aliases.push_back(llvm::ConstantStruct::get(alias_ty, {str(a.name), array, b.getInt32(uint32_t(terms.size()))}));
  }

  llvm::StructType* info_ty = abi.module_info;
  llvm::Constant* info = llvm::ConstantStruct::get(
      info_ty,
      {b.getInt32(NF_MODULE_ABI_VERSION), b.getInt32(uint32_t(sizeof(nf_module_info))), str(model_name), str(target), str(features),
       b.getInt64(uint64_t(plan.layout.size)), b.getInt64(uint64_t(kAlignment)),
       b.getInt64(uint64_t(plan.layout.seed_offset)), b.getInt64(uint64_t(plan.layout.hooks_offset)),
       b.getInt64(program.default_seed),
       llvm::ConstantFP::get(b.getDoubleTy(), program.default_dt), b.getInt32(uint32_t(comps.size())),
       b.getInt32(uint32_t(params.size())), b.getInt32(uint32_t(procs.size())),
       private_array(llvm::ArrayType::get(comp_ty, comps.size()), comps, "compartments"),
       private_array(llvm::ArrayType::get(param_ty, params.size()), params, "params"),
       private_array(llvm::ArrayType::get(proc_ty, procs.size()), procs, "processes"), scan, materialize, derive,
       b.getInt32(uint32_t(aliases.size())),
       private_array(llvm::ArrayType::get(alias_ty, aliases.size()), aliases, "aliases"), invalidate, share});
  new llvm::GlobalVariable(m, info_ty, true, llvm::GlobalValue::ExternalLinkage, info, "nf_module");
  for (llvm::Function* fn : {scan, materialize, derive, invalidate, share})
    if (llvm::verifyFunction(*fn, nullptr))
      throw Error("internal compiler error: LLVM rejected " + fn->getName().str());
  for (const ProcessVariants& p : f.processes)
    if (llvm::verifyFunction(*m.getFunction(process_symbol(p.name)), nullptr))
      throw Error("internal compiler error: LLVM rejected the step function of '" + p.name + "'");
}

}  // namespace nf::compiler
