// The IR's random draws as LLVM IR: Philox4x32-10 and the uniform and normal
// transforms of ir/random.cpp, operation for operation, so compiled draws
// equal the interpreter's bit for bit. Plain C++: LLVM types forward-declared.
#pragma once

namespace llvm {
class Value;
class IRBuilderBase;
class Module;
}  // namespace llvm

namespace nf::compiler {

enum class DrawKind { Uniform, Normal };

// Element `index` (i32) of a draw with seed (i64), stream id (i32) and
// counter (i32): nf::random::uniform or nf::random::normal, as a float.
llvm::Value* emit_draw(llvm::IRBuilderBase& b, llvm::Module& m, DrawKind kind, llvm::Value* seed,
                       llvm::Value* stream, llvm::Value* counter, llvm::Value* index);

}  // namespace nf::compiler
