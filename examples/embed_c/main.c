/* Embedding a compiled neurofuse model in a plain C program.
 *
 * The program plays the environment of a closed loop: each millisecond it
 * turns a sensor reading into firing probabilities (the model's input
 * compartment), steps the model, and reads back a motor signal (the model's
 * output trace). Halfway it saves a checkpoint; at the end it restores the
 * checkpoint and replays the second half, which must give exactly the same
 * motor signal, because a compiled model is a pure function of its state.
 *
 * Build (see README.md):
 *   neurofuse compile model.nf -o model.so
 *   cc main.c -I<repo>/runtime/include -L<build>/lib -lneurofuse_runtime -lm -o embed
 *   ./embed model.so
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurofuse/runtime.h"

#define STEPS 400
#define HALF 200

/* Stops with the runtime's message when a call fails. */
static void check(nf_status status, const char* what) {
  if (status != NF_OK) {
    fprintf(stderr, "%s failed (%s): %s\n", what, nf_status_name(status), nf_last_error());
    exit(1);
  }
}

/* The environment: a slowly oscillating sensor, shifted by the motor signal. */
static void sense(int step, float motor, float probabilities[8]) {
  float x = 0.5f + 0.4f * sinf(0.03f * (float)step) - 0.1f * motor;
  for (int i = 0; i < 8; ++i) {
    float p = x * (float)(i + 1) / 8.0f;
    probabilities[i] = p < 0.0f ? 0.0f : p > 1.0f ? 1.0f : p;
  }
}

/* Runs steps [from, to), recording the motor signal of each step. */
static void run(nf_state* state, int from, int to, float motor_out[STEPS]) {
  float probabilities[8], trace[3];
  float motor = from > 0 ? motor_out[from - 1] : 0.0f;
  for (int k = from; k < to; ++k) {
    sense(k, motor, probabilities);
    check(nf_state_write(state, "sensor.inputs", NF_F32, probabilities, 8), "writing the sensor");
    check(nf_state_step(state, "advance", (float)k, 1.0f), "stepping");
    check(nf_state_read(state, "trace.trace", NF_F32, trace, 3), "reading the trace");
    motor = trace[0] - trace[2];
    motor_out[k] = motor;
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODULE.so\n", argv[0]);
    return 2;
  }
  nf_module* module = NULL;
  check(nf_module_open(argv[1], &module), "opening the module");
  const nf_module_info* info = nf_module_get_info(module);
  printf("model %s: %d compartments, %d processes, %lld-byte state\n", info->model_name, info->n_compartments,
         info->n_processes, (long long)info->state_size);

  nf_state* state = NULL;
  check(nf_state_create(module, info->default_seed, &state), "creating a state");

  float motor[STEPS], replay[STEPS];
  run(state, 0, HALF, motor);
  const char* checkpoint = "embed_checkpoint.npz";
  check(nf_state_save(state, checkpoint, NULL, 0), "saving a checkpoint");
  run(state, HALF, STEPS, motor);

  float spikes_total = 0.0f;
  float* spike_counts = NULL;
  int64_t n = 0;
  int32_t dtype = 0;
  check(nf_state_compartment(state, "motor.tols", (void**)&spike_counts, &dtype, &n), "finding motor.tols");
  for (int64_t i = 0; i < n; ++i) spikes_total += spike_counts[i];

  /* Restore the checkpoint into the same state and replay the second half. */
  check(nf_state_load(state, checkpoint), "restoring the checkpoint");
  memcpy(replay, motor, sizeof(float) * HALF);
  run(state, HALF, STEPS, replay);
  int same = memcmp(motor + HALF, replay + HALF, sizeof(float) * (STEPS - HALF)) == 0;

  float lo = motor[0], hi = motor[0];
  for (int k = 0; k < STEPS; ++k) {
    if (motor[k] < lo) lo = motor[k];
    if (motor[k] > hi) hi = motor[k];
  }
  printf("motor signal over %d steps: min %.4f, max %.4f; sum of the LIF units' last spike times %.0f\n", STEPS, lo, hi, spikes_total);
  printf("replay after restoring the checkpoint matches: %s\n", same ? "yes" : "NO");

  /* A mistake is reported, not fatal: a wrong element count. */
  float wrong[2] = {0, 0};
  nf_status s = nf_state_write(state, "sensor.inputs", NF_F32, wrong, 2);
  printf("writing 2 values into an 8-unit input: %s (%s)\n", nf_status_name(s), nf_state_last_error(state));

  nf_state_destroy(state);
  nf_module_close(module);
  remove(checkpoint);
  return same && hi > lo && s == NF_ERROR_SHAPE ? 0 : 1;
}
