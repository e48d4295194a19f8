component Counter {
  param n: int
  state x[1, n] = 1
}
