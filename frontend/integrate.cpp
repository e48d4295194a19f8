// ODE steps: `integrate(STEPPER, RHS, x, args..., t=T0, dt=H)` advances x by
// one step of H (the method's dt unless given) with one of ngclearn's steppers (ngclearn/utils/diffeq/
// ode_utils.py), calling the helper method RHS(x_stage, args...) for each
// derivative it needs; a RHS that lists `t` reads the stage's time, T0 + h
// (T0: the method's t unless given; ngclearn's cells pass 0 and never read
// it). A component writes its right-hand side once, as a helper, and picks
// the stepper its source picks (docs/LANGUAGE.md, "ODE steps").
//
// Each stepper is transcribed operation by operation, with ngclearn's
// rounding points (dt is the step's binary32 dt; x_scale is 1):
//   forward(x, d, h)  = x + d * h, at time t0 + h        (_step_forward; x * 1. is x)
//   euler   x + f(x) * dt
//   rk2     k1 = f(x); k2 = f(forward(x, k1, dt * 0.5)); forward(x, k2, dt)
//   heun    k1 = f(x); k2 = f(forward(x, k1, dt));
//           forward(x, (0 + k1) + k2, dt * 0.5)
//   ralston k1 = f(x); k2 = f(forward(x, k1, dt * 0.75));
//           forward(x, (0 + f32(1/3) * k1) + f32(2/3) * k2, dt)
//   rk4     k1 = f(x); k2 = f(forward(x, k1, dt * 0.5)); k3 = f(forward(x, k2, dt * 0.5));
//           k4 = f(forward(x, k3, dt)); forward(x, ((((0 + k1) + 2 * k2) + 2 * k3) + k4) / 6, dt)
// The weighted sums are _sum_combine's: it starts from the integer 0 (so a
// -0 derivative becomes +0) and multiplies by its weights (integer weights
// 1 and 2 as binary32; Ralston's 1/3 and 2/3 as Python floats rounded to
// binary32). A weight of 1 is exact and left out.
#include "frontend/elaborator.h"

namespace nf::frontend {

using ir::NodeRef;

int ngclearn_integrator_code(const std::string& integration_type) {
  // get_integrator_code: anything it does not know is Euler (0).
  if (integration_type == "midpoint" || integration_type == "rk2") return 1;
  if (integration_type == "rk2_heun" || integration_type == "heun") return 2;
  if (integration_type == "rk2_ralston" || integration_type == "ralston") return 3;
  if (integration_type == "rk4") return 4;
  return 0;
}

Value Elaborator::integrate(const Expr& call, Scope& scope) {
  const Expr* start_time = nullptr;
  const Expr* step = nullptr;
  for (const auto& [key, value] : call.kwargs) {
    if (key == "t") start_time = value.get();
    else if (key == "dt") step = value.get();
    else fail(value->loc, "integrate() has no argument '" + key + "' (it takes t=, the time it starts from, and dt=, "
                          "the step)");
  }
  if (call.items.size() < 3)
    fail(call.loc, "integrate() takes a stepper, the name of a helper method and the value to advance: "
                   "integrate(\"euler\", dfv, v, ...)");
  Value stepper = eval_static(*call.items[0], scope, "the stepper of integrate()");
  static const std::vector<std::string> kSteppers = {"euler", "rk2", "heun", "ralston", "rk4"};
  if (stepper.kind != Value::Kind::String ||
      std::find(kSteppers.begin(), kSteppers.end(), stepper.text) == kSteppers.end())
    fail(call.items[0]->loc, "integrate() takes one of the steppers \"euler\", \"rk2\", \"heun\", \"ralston\", \"rk4\", "
                             "got " + stepper.describe());
  const Expr& rhs = *call.items[1];
  Instance& inst = *scope.instance;
  if (rhs.kind != Expr::Kind::Name) fail(rhs.loc, "integrate() takes the name of a helper method second");
  auto [method, level] = inst.find_method(rhs.text);
  if (!method) {
    std::vector<std::string> names;
    for (const ComponentDecl* c : inst.chain)
      for (const MethodDecl& m : c->methods) names.push_back(m.name);
    fail(rhs.loc, "'" + rhs.text + "' is not a method of " + inst.component().name + did_you_mean(rhs.text, names));
  }
  NodeRef x = as_f32(to_tensor(eval(*call.items[2], scope), call.items[2]->loc));
  std::vector<Value> args(1);
  for (size_t i = 3; i < call.items.size(); ++i) args.push_back(eval(*call.items[i], scope));

  ir::ProcessBuilder& b = *process_;
  NodeRef dt = step ? as_f32(to_tensor(eval(*step, scope), step->loc)) : b.dt();
  // The stage times: t0 + h, in binary32, as _step_forward computes them; a
  // right-hand side that lists t reads them.
  NodeRef t0 = start_time ? as_f32(to_tensor(eval(*start_time, scope), start_time->loc)) : b.t();
  auto f = [&](const NodeRef& at, const NodeRef& h = nullptr) {
    args[0] = Value::tensor_of(at);
    Value time = Value::tensor_of(h ? b.add(t0, h) : t0);
    Value d = invoke_method(call.loc, inst, *method, level, scope, args, &time);
    if (d.kind == Value::Kind::None) fail(rhs.loc, "'" + rhs.text + "' returns no value; integrate() needs dx/dt");
    return as_f32(to_tensor(d, rhs.loc));
  };
  auto forward = [&](const NodeRef& from, const NodeRef& d, const NodeRef& h) { return b.add(from, b.mul(d, h)); };
  auto weighted = [&](float w, const NodeRef& k) { return b.mul(b.constant(w), k); };
  auto from_zero = [&](const NodeRef& k) { return b.add(b.constant(0.0f), k); };  // _sum_combine's integer 0

  NodeRef next;
  if (stepper.text == "euler") {
    next = forward(x, f(x), dt);
  } else if (stepper.text == "rk2") {
    NodeRef half = b.mul(dt, b.constant(0.5f));
    NodeRef k1 = f(x);
    NodeRef k2 = f(forward(x, k1, half), half);
    next = forward(x, k2, dt);
  } else if (stepper.text == "heun") {
    NodeRef k1 = f(x);
    NodeRef k2 = f(forward(x, k1, dt), dt);
    next = forward(x, b.add(from_zero(k1), k2), b.mul(dt, b.constant(0.5f)));
  } else if (stepper.text == "ralston") {
    NodeRef three_quarters = b.mul(dt, b.constant(0.75f));
    NodeRef k1 = f(x);
    NodeRef k2 = f(forward(x, k1, three_quarters), three_quarters);
    NodeRef sum = b.add(from_zero(weighted(float(1. / 3.), k1)), weighted(float(2. / 3.), k2));
    next = forward(x, sum, dt);
  } else {  // rk4
    NodeRef half = b.mul(dt, b.constant(0.5f));
    NodeRef k1 = f(x);
    NodeRef k2 = f(forward(x, k1, half), half);
    NodeRef k3 = f(forward(x, k2, half), half);
    NodeRef k4 = f(forward(x, k3, dt), dt);
    NodeRef sum = b.add(b.add(b.add(from_zero(k1), weighted(2.0f, k2)), weighted(2.0f, k3)), k4);
    next = forward(x, b.div(sum, b.constant(6.0f)), dt);
  }
  return Value::tensor_of(next);
}

}  // namespace nf::frontend
