# ngclearn's "integration" lesson (docs/tutorials/neurocog/integration.md):
# ngclearn's ODE steppers (ode_utils.py) on two problems, through integrate().
#   growth: dy/dt = y, y(0) = 1 (solution exp(t)), 30 Euler steps of 0.1, and
#           30 of 0.1 * 0.9 (the lesson's second curve)
#   poly:   dy/dt = -2 t^3 + 12 t^2 - 20 t + 8.5, y(0) = 1 (solution
#           -0.5 t^4 + 4 t^3 - 10 t^2 + 8.5 t + 1), 8 steps of 0.5 with
#           Heun, the midpoint method, Euler and RK4; the right-hand side
#           reads each stage's time
# The driver runs process growth for 30 steps and poly for 8 steps at dt 0.5.
component Growth {
  param stepper = "euler"
  param step = 0.1
  state y[1, 1] = 1

  def advance_state(t) {
    y = integrate(stepper, dfy, y, dt=float(step))
  }

  def dfy(y) {
    return y
  }
}

component Poly {
  param stepper = "euler"
  state y[1, 1] = 1

  def advance_state(t, dt) {
    y = integrate(stepper, dfy, y)
  }

  def dfy(y, t) {
    return -2 * t ** 3 + 12 * t ** 2 - 20 * t + 8.5
  }
}

model integration {
  dt = 0.5
  euler = Growth(step=0.1)
  euler_09 = Growth(step=0.1 * 0.9)
  heun = Poly(stepper="heun")
  rk2 = Poly(stepper="rk2")
  poly_euler = Poly(stepper="euler")
  rk4 = Poly(stepper="rk4")
  process growth = euler.advance_state >> euler_09.advance_state
  process poly = heun.advance_state >> rk2.advance_state >> poly_euler.advance_state >> rk4.advance_state
}
