# The smallest step there is: one scalar compartment incremented. Its time per
# step is the fixed cost of running a process (call, name lookup, kernels).
component Counter {
  state x = 0
  def step() {
    x = x + 1
  }
}
model overhead {
  c = Counter()
  process step = c.step
}
