// A program that uses every op kind of the IR at least once (for round trips
// through the text form and for golden runs of compiled code).
#pragma once

#include "ir/builder.h"
#include "ir/connectivity.h"

namespace nf::ir::test {

// A program that uses every op kind at least once.
inline Program every_op_program() {
  ProgramBuilder pb;
  pb.defaults(0.5f, 1234);
  pb.param("c.k", 0.25f);
  pb.compartment("c.x", {DType::F32, {2, 3}}, Role::Input, 1.5f);
  pb.compartment("c.w", {DType::F32, {3, 2}}, Role::State, -0.0f);
  pb.compartment("c.rng", {DType::I32, {}}, Role::State, Literal::i32(-7));
  pb.compartment("c.mask", {DType::Bool, {2, 3}}, Role::State, Literal::boolean(true));
  pb.compartment("c.out", {DType::F32, {2, 3}}, Role::Output);
  // Connections (0,1) (0,2) (2,0) (2,2) of a 3 x 3 matrix, their weights at
  // slots 4, 0, 2, 1 of five values (slot 3 unused).
  pb.connectivity({"c.conn", make_connectivity(3, 3, 5, {{2, 2, 1}, {0, 1, 4}, {2, 0, 2}, {0, 2, 0}}), {}});
  ProcessBuilder& p = pb.process("every");
  NodeRef x = p.read("c.x");
  NodeRef w = p.read("c.w");
  NodeRef rng = p.read("c.rng");
  NodeRef mask = p.read("c.mask");
  NodeRef k = p.param("c.k");
  NodeRef t = p.t();
  NodeRef dt = p.dt();
  NodeRef one = p.constant(1.0f);
  NodeRef acc = p.add(x, k);
  for (Op op : {Op::Neg, Op::Abs, Op::Sign, Op::Floor, Op::Sqrt, Op::Exp, Op::Log, Op::Tanh, Op::Sigmoid,
                Op::Sin, Op::Cos})
    acc = p.unary(op, acc);
  for (Op op : {Op::Sub, Op::Mul, Op::Div, Op::Pow, Op::Min, Op::Max}) acc = p.binary(op, acc, t);
  NodeRef cond = p.binary(Op::Lt, acc, dt);
  for (Op op : {Op::Eq, Op::Ne, Op::Le, Op::Gt, Op::Ge}) cond = p.binary(Op::And, cond, p.binary(op, acc, one));
  cond = p.binary(Op::Or, p.unary(Op::Not, cond), mask);
  acc = p.select(cond, acc, p.constant(-0.0f, {2, 3}));
  acc = p.clip(acc, p.constant(0.0f), one);
  acc = p.fma(acc, acc, one);
  NodeRef mm = p.matmul(acc, w);
  NodeRef tr = p.transpose(mm);
  NodeRef s = p.reduce(Op::Sum, tr, 0, true);
  NodeRef m = p.reduce(Op::Mean, tr, 1);
  NodeRef mx = p.reduce(Op::ReduceMax, mm, 0);
  NodeRef am = p.reduce(Op::ArgMax, acc, 1, true);
  NodeRef oh = p.one_hot(am, 3);
  NodeRef rs = p.reshape(oh, {2, 3});
  NodeRef bc = p.broadcast(m, {2, 2});
  NodeRef sl = p.slice(rs, {0, 1}, {2, 3});
  NodeRef cat = p.concat({sl, bc, p.broadcast(s, {2, 2}), p.reshape(mx, {2, 1})}, 1);
  NodeRef u = p.uniform(p.add(rng, p.reduce(Op::Sum, p.reshape(p.iota({1, 2}, 1), {2}), 0)), {2, 3}, "c.uniform");
  NodeRef n = p.normal(rng, {2, 3}, "c.normal \"quoted\"");
  NodeRef b = p.bernoulli(u, rng, {2, 3}, "c.bernoulli");
  NodeRef f = p.cast(b, DType::F32);
  NodeRef gathered = p.gather(p.broadcast(p.reshape(p.slice(acc, {0, 0}, {1, 3}), {3}), {3, 3}), "c.conn");
  NodeRef values = p.concat({gathered, p.constant(-2.5f, {1})}, 0);
  NodeRef sparse = p.sparse_matmul(acc, values, "c.conn");
  NodeRef out = p.add(p.add(p.add(f, n), p.slice(cat, {0, 0}, {2, 3})), sparse);
  p.write("c.out", out);
  p.write("c.rng", p.add(rng, p.constant(Literal::i32(1))));
  return pb.build();
}


}  // namespace nf::ir::test
