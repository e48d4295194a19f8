#include "ir/infer.h"

#include <algorithm>

namespace nf::ir {

namespace {

std::string describe(const OperandInfo& o) { return o.label + " (" + o.type.str() + ")"; }

bool is_numeric(DType d) { return d == DType::F32 || d == DType::I32 || d == DType::F64; }

Inferred fail(std::string message) { return {std::nullopt, std::move(message)}; }
Inferred ok(Type t) { return {std::move(t), ""}; }

// Which dtypes an element-wise op accepts.
enum class Accepts { F32, Numeric, Bool, Any };

Accepts accepted_dtypes(Op op) {
  switch (op) {
    case Op::Neg: case Op::Abs: case Op::Sign:
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Min: case Op::Max:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Clip:
    case Op::Sum: case Op::ReduceMax: case Op::ArgMax:
      return Accepts::Numeric;
    case Op::Not: case Op::And: case Op::Or:
      return Accepts::Bool;
    case Op::Eq: case Op::Ne:
      return Accepts::Any;
    case Op::Floor: case Op::Sqrt: case Op::Exp: case Op::Log: case Op::Tanh: case Op::Sigmoid: case Op::Sin:
    case Op::Cos: case Op::Pow: case Op::Fma: case Op::Mean:
      return Accepts::F32;
    // Select takes any dtype for its values and cast any dtype: their rules
    // check operands themselves. The others are not element-wise.
    case Op::Select: case Op::Cast:
    NF_OPS_LEAF(NF_OP_CASE) NF_OPS_MATRIX(NF_OP_CASE) NF_OPS_SHAPE(NF_OP_CASE) NF_OPS_RANDOM(NF_OP_CASE)
    NF_OPS_SPARSE(NF_OP_CASE)
      return Accepts::F32;
  }
  return Accepts::F32;
}

bool accepts(Accepts a, DType d) {
  switch (a) {
    case Accepts::F32: return d == DType::F32;
    case Accepts::Numeric: return is_numeric(d);
    case Accepts::Bool: return d == DType::Bool;
    case Accepts::Any: return true;
  }
  return false;
}

const char* accepts_text(Accepts a) {
  switch (a) {
    case Accepts::F32: return "f32";
    case Accepts::Numeric: return "f32 or i32";
    case Accepts::Bool: return "bool";
    case Accepts::Any: return "any dtype";
  }
  return "?";
}

std::string name_of(Op op) { return std::string(op_name(op)); }

// Checks operand count and, for the listed operands, their dtype.
std::string check_operands(Op op, const std::vector<OperandInfo>& ops, size_t count) {
  if (ops.size() != count)
    return name_of(op) + " takes " + std::to_string(count) + " operand" + (count == 1 ? "" : "s") +
           ", got " + std::to_string(ops.size());
  return "";
}

std::string check_dtype(Op op, const OperandInfo& o) {
  Accepts a = accepted_dtypes(op);
  if (!accepts(a, o.type.dtype))
    return name_of(op) + " needs " + accepts_text(a) + " operands, got " + describe(o);
  return "";
}

std::string check_same_dtype(const OperandInfo& a, const OperandInfo& b) {
  if (a.type.dtype != b.type.dtype)
    return "operands " + describe(a) + " and " + describe(b) + " have different dtypes";
  return "";
}

Inferred broadcast_all(const std::vector<const OperandInfo*>& ops, DType result) {
  Shape shape = ops[0]->type.shape;
  for (size_t i = 1; i < ops.size(); ++i) {
    auto s = broadcast_shapes(shape, ops[i]->type.shape);
    if (!s) {
      std::string names;
      for (size_t j = 0; j <= i; ++j) names += (j ? " and " : "") + describe(*ops[j]);
      return fail("operands " + names + " do not broadcast");
    }
    shape = *s;
  }
  return ok(Type{result, shape});
}

Inferred need_declared(Op op, const std::optional<Type>& declared) {
  if (!declared) return fail(name_of(op) + " needs an explicit result type");
  return ok(*declared);
}

Inferred infer_unchecked(Op op, const std::vector<OperandInfo>& ops, const Attrs& attrs,
                         const std::optional<Type>& declared) {
  std::string e;
  switch (op_class(op)) {
    case OpClass::Const:
      if (!(e = check_operands(op, ops, 0)).empty()) return fail(e);
      if (!declared) return need_declared(op, declared);
      if (attrs.literal.dtype != declared->dtype)
        return fail("literal " + attrs.literal.str() + " is " + dtype_name(attrs.literal.dtype) +
                    " but the result type is " + declared->str());
      return ok(*declared);
    case OpClass::Read:
      if (!(e = check_operands(op, ops, 0)).empty()) return fail(e);
      return need_declared(op, declared);
    case OpClass::Write:
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      return ok(ops[0].type);
    case OpClass::Param:
    case OpClass::StepArg:
      // Read as f64 (the Python float) or as f32 (rounded once); f32 unless declared.
      if (!(e = check_operands(op, ops, 0)).empty()) return fail(e);
      if (declared && !(declared->shape.rank() == 0 && (declared->dtype == DType::F32 || declared->dtype == DType::F64)))
        return fail(name_of(op) + " is an f32[] or f64[] scalar, declared " + declared->str());
      return ok(declared ? *declared : Type{DType::F32, {}});
    case OpClass::Unary:
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (!(e = check_dtype(op, ops[0])).empty()) return fail(e);
      return ok(ops[0].type);
    case OpClass::Binary:
    case OpClass::Compare: {
      if (!(e = check_operands(op, ops, 2)).empty()) return fail(e);
      if (!(e = check_same_dtype(ops[0], ops[1])).empty()) return fail(e);
      if (!(e = check_dtype(op, ops[0])).empty()) return fail(e);
      DType result = op_class(op) == OpClass::Compare ? DType::Bool : ops[0].type.dtype;
      return broadcast_all({&ops[0], &ops[1]}, result);
    }
    case OpClass::Ternary: {
      if (!(e = check_operands(op, ops, 3)).empty()) return fail(e);
      if (op == Op::Select) {
        if (ops[0].type.dtype != DType::Bool)
          return fail("select needs a bool condition, got " + describe(ops[0]));
        if (!(e = check_same_dtype(ops[1], ops[2])).empty()) return fail(e);
      } else {
        for (int i = 1; i < 3; ++i)
          if (!(e = check_same_dtype(ops[0], ops[size_t(i)])).empty()) return fail(e);
        if (!(e = check_dtype(op, ops[0])).empty()) return fail(e);
      }
      return broadcast_all({&ops[0], &ops[1], &ops[2]}, ops[1].type.dtype);
    }
    case OpClass::Cast:
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (!declared) return need_declared(op, declared);
      if (declared->shape != ops[0].type.shape)
        return fail("cast keeps the shape: operand " + describe(ops[0]) + ", result " +
                    declared->str());
      return ok(*declared);
    case OpClass::MatMul: {
      if (!(e = check_operands(op, ops, 2)).empty()) return fail(e);
      for (const OperandInfo& o : ops) {
        if (o.type.dtype != DType::F32) return fail("matmul needs f32 operands, got " + describe(o));
        if (o.type.shape.rank() != 2) return fail("matmul needs rank-2 operands, got " + describe(o));
      }
      if (ops[0].type.shape[1] != ops[1].type.shape[0])
        return fail("matmul inner dimensions differ: " + describe(ops[0]) + " and " +
                    describe(ops[1]));
      return ok(Type{DType::F32, {ops[0].type.shape[0], ops[1].type.shape[1]}});
    }
    case OpClass::Transpose: {
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      const Shape& in = ops[0].type.shape;
      std::vector<int64_t> sorted = attrs.perm;
      std::sort(sorted.begin(), sorted.end());
      bool is_perm = int(sorted.size()) == in.rank();
      for (size_t i = 0; is_perm && i < sorted.size(); ++i) is_perm = sorted[i] == int64_t(i);
      if (!is_perm)
        return fail("transpose perm " + Shape(attrs.perm).str() + " is not a permutation of the " +
                    std::to_string(in.rank()) + " axes of " + describe(ops[0]));
      std::vector<int64_t> dims;
      for (int64_t p : attrs.perm) dims.push_back(in[int(p)]);
      return ok(Type{ops[0].type.dtype, Shape(dims)});
    }
    case OpClass::Reduce: {
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (!(e = check_dtype(op, ops[0])).empty()) return fail(e);
      const Shape& in = ops[0].type.shape;
      if (attrs.axis < 0 || attrs.axis >= in.rank())
        return fail(name_of(op) + " axis " + std::to_string(attrs.axis) + " is out of range for " +
                    describe(ops[0]));
      if ((op == Op::ReduceMax || op == Op::ArgMax) && in[attrs.axis] == 0)
        return fail(name_of(op) + " over an empty axis " + std::to_string(attrs.axis) + " of " +
                    describe(ops[0]));
      std::vector<int64_t> dims = in.dims;
      if (attrs.keepdims) dims[size_t(attrs.axis)] = 1;
      else dims.erase(dims.begin() + attrs.axis);
      DType d = op == Op::ArgMax ? DType::I32 : ops[0].type.dtype;
      return ok(Type{d, Shape(dims)});
    }
    case OpClass::Reshape:
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (!declared) return need_declared(op, declared);
      if (declared->dtype != ops[0].type.dtype ||
          declared->shape.num_elements() != ops[0].type.shape.num_elements())
        return fail("reshape of " + describe(ops[0]) + " to " + declared->str() +
                    " changes the dtype or the number of elements");
      return ok(*declared);
    case OpClass::Broadcast:
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (!declared) return need_declared(op, declared);
      if (declared->dtype != ops[0].type.dtype || !broadcasts_to(ops[0].type.shape, declared->shape))
        return fail(describe(ops[0]) + " does not broadcast to " + declared->str());
      return ok(*declared);
    case OpClass::Slice: {
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      const Shape& in = ops[0].type.shape;
      if (int(attrs.begin.size()) != in.rank() || int(attrs.end.size()) != in.rank())
        return fail("slice bounds " + Shape(attrs.begin).str() + ".." + Shape(attrs.end).str() +
                    " do not match the rank of " + describe(ops[0]));
      std::vector<int64_t> dims;
      for (int i = 0; i < in.rank(); ++i) {
        int64_t b = attrs.begin[size_t(i)], en = attrs.end[size_t(i)];
        if (b < 0 || b > en || en > in[i])
          return fail("slice " + std::to_string(b) + ":" + std::to_string(en) + " of axis " +
                      std::to_string(i) + " is out of range for " + describe(ops[0]));
        dims.push_back(en - b);
      }
      return ok(Type{ops[0].type.dtype, Shape(dims)});
    }
    case OpClass::Concat: {
      if (ops.empty()) return fail("concat needs at least one operand");
      const Type& first = ops[0].type;
      if (attrs.axis < 0 || attrs.axis >= first.shape.rank())
        return fail("concat axis " + std::to_string(attrs.axis) + " is out of range for " +
                    describe(ops[0]));
      std::vector<int64_t> dims = first.shape.dims;
      dims[size_t(attrs.axis)] = 0;
      for (const OperandInfo& o : ops) {
        bool same = o.type.dtype == first.dtype && o.type.shape.rank() == first.shape.rank();
        for (int i = 0; same && i < first.shape.rank(); ++i)
          same = i == attrs.axis || o.type.shape[i] == first.shape[i];
        if (!same)
          return fail("concat along axis " + std::to_string(attrs.axis) + " of " +
                      describe(ops[0]) + " and " + describe(o) + ": other axes or dtype differ");
        dims[size_t(attrs.axis)] += o.type.shape[attrs.axis];
      }
      return ok(Type{first.dtype, Shape(dims)});
    }
    case OpClass::OneHot: {
      if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
      if (ops[0].type.dtype != DType::I32)
        return fail("one_hot needs i32 indices, got " + describe(ops[0]));
      if (!declared) return need_declared(op, declared);
      std::vector<int64_t> expect = ops[0].type.shape.dims;
      bool ok_shape = declared->shape.rank() == int(expect.size()) + 1;
      for (size_t i = 0; ok_shape && i < expect.size(); ++i) ok_shape = declared->shape.dims[i] == expect[i];
      if (declared->dtype != DType::F32 || !ok_shape)
        return fail("one_hot of " + describe(ops[0]) + " must be f32 with the indices' shape plus a depth axis, got " +
                    declared->str());
      return ok(*declared);
    }
    case OpClass::Iota:
      if (!(e = check_operands(op, ops, 0)).empty()) return fail(e);
      if (!declared) return need_declared(op, declared);
      if (declared->dtype != DType::I32) return fail("iota produces i32, declared " + declared->str());
      if (attrs.axis < 0 || attrs.axis >= declared->shape.rank())
        return fail("iota axis " + std::to_string(attrs.axis) + " is out of range for " + declared->str());
      return ok(*declared);
    case OpClass::Random: {
      size_t count = op == Op::Bernoulli ? 2 : 1;
      if (!(e = check_operands(op, ops, count)).empty()) return fail(e);
      const OperandInfo& counter = ops.back();
      if (counter.type != Type{DType::I32, {}})
        return fail(name_of(op) + " needs an i32[] counter, got " + describe(counter));
      if (attrs.name.empty()) return fail(name_of(op) + " needs a stream name");
      if (!declared) return need_declared(op, declared);
      DType want = op == Op::Bernoulli ? DType::Bool : DType::F32;
      if (declared->dtype != want)
        return fail(name_of(op) + " produces " + dtype_name(want) + ", declared " + declared->str());
      if (op == Op::Bernoulli) {
        const OperandInfo& p = ops[0];
        if (p.type.dtype != DType::F32 || !broadcasts_to(p.type.shape, declared->shape))
          return fail("bernoulli probability " + describe(p) + " must be f32 and broadcast to " +
                      declared->str());
      }
      return ok(*declared);
    }
    // The connectivity's sizes are checked by the verifier, which sees it.
    case OpClass::Sparse: {
      if (attrs.name.empty()) return fail(name_of(op) + " needs a connectivity name");
      if (!declared) return need_declared(op, declared);
      if (op == Op::SparseMatMul) {
        if (!(e = check_operands(op, ops, 2)).empty()) return fail(e);
        if (ops[0].type.dtype != DType::F32 || ops[0].type.shape.rank() != 2)
          return fail("sparse_matmul needs f32 [B, rows] inputs, got " + describe(ops[0]));
        if (ops[1].type.dtype != DType::F32) return fail("sparse_matmul needs f32 values, got " + describe(ops[1]));
        if (declared->dtype != DType::F32 || declared->shape.rank() != 2 ||
            declared->shape[0] != ops[0].type.shape[0])
          return fail("sparse_matmul of " + describe(ops[0]) + " gives f32 [B, columns] with the inputs' B, declared " +
                      declared->str());
      } else {
        if (!(e = check_operands(op, ops, 1)).empty()) return fail(e);
        if (ops[0].type.shape.rank() != 2 || ops[0].type.dtype == DType::F64)
          return fail("gather needs a [rows, columns] matrix, got " + describe(ops[0]));
        if (declared->dtype != ops[0].type.dtype || declared->shape.rank() != 1)
          return fail("gather of " + describe(ops[0]) + " gives one " + dtype_name(ops[0].type.dtype) +
                      " per connection, [connections], declared " + declared->str());
      }
      return ok(*declared);
    }
  }
  return fail("unknown op");
}

// f64 is the type of parameter arithmetic only: scalars, combined by neg,
// add, sub, mul, div, comparisons and select, and rounded to f32 by a cast.
std::string check_f64(Op op, const std::vector<OperandInfo>& ops, const std::optional<Type>& declared) {
  bool any = declared && declared->dtype == DType::F64;
  for (const OperandInfo& o : ops) any = any || o.type.dtype == DType::F64;
  if (!any) return "";
  for (const OperandInfo& o : ops)
    if (o.type.dtype == DType::F64 && o.type.shape.rank() != 0)
      return "f64 values are scalars (parameter arithmetic), got " + describe(o);
  if (declared && declared->dtype == DType::F64 && declared->shape.rank() != 0)
    return "f64 values are scalars (parameter arithmetic), declared " + declared->str();
  switch (op) {
    case Op::Const: case Op::Param: case Op::Time: case Op::StepSize:
    case Op::Neg: case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Select:
      return "";
    case Op::Cast:
      if (ops.size() == 1 && ops[0].type.dtype == DType::F64 && declared && declared->dtype == DType::F32) return "";
      return "a cast involving f64 must round an f64 scalar to f32";
    default:
      return name_of(op) + " does not take f64 operands (f64 is only for parameter arithmetic: neg, add, sub, mul, "
             "div, comparisons, select, and a cast to f32)";
  }
}

}  // namespace

Inferred infer_type(Op op, const std::vector<OperandInfo>& operands, const Attrs& attrs,
                    const std::optional<Type>& declared) {
  if (std::string e = check_f64(op, operands, declared); !e.empty()) return fail(e);
  Inferred r = infer_unchecked(op, operands, attrs, declared);
  if (r.type && declared && *r.type != *declared)
    return fail("declared type " + declared->str() + " but " + std::string(op_name(op)) +
                " gives " + r.type->str());
  return r;
}

}  // namespace nf::ir
