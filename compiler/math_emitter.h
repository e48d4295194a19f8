// The IR's transcendental functions as LLVM IR: the operation sequence of
// nf::math (ir/math.cpp), statement for statement, so that compiled code gives
// the interpreter's results bit for bit, on scalars and on vectors alike.
//
// Plain C++: LLVM types are only forward-declared here; compiler/*.cpp see the
// definitions.
#pragma once

namespace llvm {
class Value;
class IRBuilderBase;
class Module;
}  // namespace llvm

namespace nf::compiler {

// One function of nf::math (ir/math.h) each.
enum class MathFn { Exp, Log, Tanh, Sigmoid, Sin, Cos, Pow };

// The value of nf::math's `fn` at x (and y for Pow), emitted at b's insertion
// point, which must lie in a function of m.
//
// x and y are float or <N x float> (fixed or scalable) values of one type; the
// result has that type, element i being nf::math's result for element i. y is
// required for Pow and ignored otherwise.
//
// The code consists of basic IEEE operations in round-to-nearest-even (fadd,
// fsub, fmul, fdiv, fneg, fpext, fptrunc, sitofp, llvm.sqrt), comparisons,
// selects and integer operations on bit patterns, with no fast-math flags, no
// fpmath metadata and no fma or fmuladd, so every LLVM optimization keeps its
// results. sin and cos read the bits of 2/pi from a private constant global of
// m (created once per module, by a load or, for vectors, llvm.masked.gather).
// The builder's fast-math flags and fpmath tag are ignored and left as they
// were; b must not be in constrained floating-point mode.
//
// Throws std::invalid_argument for operands of any other type.
llvm::Value* emit_math(llvm::IRBuilderBase& b, llvm::Module& m, MathFn fn, llvm::Value* x,
                       llvm::Value* y = nullptr);

}  // namespace nf::compiler
