/* Runs a compiled module through the runtime's C API in a process that links
 * nothing but the runtime and the C library: the proof that a module made by
 * `neurofuse compile` needs no LLVM. It creates a state, then runs every step
 * in native code with nf_state_scan, driving the listed compartments from a
 * file and recording every compartment after each step.
 *
 * usage: aot_probe MODULE.so SEED STEPS PROCESSES RESET DRIVES.bin RECORDS.bin [COMPARTMENT ...]
 *   PROCESSES    comma-separated process names run in order each step
 *   RESET        PROCESS:N to run PROCESS before every N-th step (N > 0), or -
 *   DRIVES.bin   STEPS rows; each row holds the listed compartments' values in order
 *   RECORDS.bin  written: STEPS rows; each row holds every compartment, in module order
 * Exit status 0 on success; the runtime's message on stderr otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurofuse/runtime.h"

static int fail(const char* what, const char* detail) {
  fprintf(stderr, "aot_probe: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  return 1;
}

#define CHECK(call) \
  do {              \
    if ((call) != NF_OK) return fail(#call, nf_last_error()); \
  } while (0)

int main(int argc, char** argv) {
  if (argc < 8) return fail("usage: aot_probe MODULE.so SEED STEPS PROCESSES RESET DRIVES.bin RECORDS.bin [COMPARTMENT ...]", NULL);
  nf_module* module = NULL;
  nf_state* state = NULL;
  CHECK(nf_module_open(argv[1], &module));
  const nf_module_info* m = nf_module_get_info(module);
  long long steps = strtoll(argv[3], NULL, 10);
  CHECK(nf_state_create(module, strtoull(argv[2], NULL, 10), &state));

  const char* procs[64];
  int32_t n_procs = 0;
  for (char* name = strtok(argv[4], ","); name && n_procs < 64; name = strtok(NULL, ",")) procs[n_procs++] = name;

  /* Drives: each listed compartment gets its own contiguous column of rows. */
  int32_t n_drives = argc - 8;
  nf_io* drives = calloc((size_t)(n_drives > 0 ? n_drives : 1), sizeof(nf_io));
  int64_t* sizes = calloc((size_t)(n_drives > 0 ? n_drives : 1), sizeof(int64_t));
  int64_t row = 0;
  for (int32_t d = 0; d < n_drives; ++d) {
    const nf_compartment_info* c = NULL;
    CHECK(nf_module_find_compartment(module, argv[8 + d], &c));
    drives[d].compartment = c->name;
    sizes[d] = c->bytes;
    row += c->bytes;
  }
  uint8_t* file_rows = malloc((size_t)(row * steps + 1));
  FILE* in = fopen(argv[6], "rb");
  if (!in || fread(file_rows, 1, (size_t)(row * steps), in) != (size_t)(row * steps)) return fail("cannot read the drives", argv[6]);
  fclose(in);
  int64_t column = 0;
  for (int32_t d = 0; d < n_drives; ++d) {
    uint8_t* own = malloc((size_t)(sizes[d] * steps + 1));
    for (long long k = 0; k < steps; ++k) memcpy(own + k * sizes[d], file_rows + k * row + column, (size_t)sizes[d]);
    drives[d].data = own;
    column += sizes[d];
  }

  nf_io* records = calloc((size_t)(m->n_compartments > 0 ? m->n_compartments : 1), sizeof(nf_io));
  for (int32_t i = 0; i < m->n_compartments; ++i) {
    records[i].compartment = m->compartments[i].name;
    records[i].data = malloc((size_t)(m->compartments[i].bytes * steps + 1));
  }

  const char* reset = NULL;
  long long every = 0;
  if (strcmp(argv[5], "-") != 0) {
    char* colon = strchr(argv[5], ':');
    if (!colon) return fail("RESET must be PROCESS:N or -", argv[5]);
    *colon = 0;
    reset = argv[5];
    every = strtoll(colon + 1, NULL, 10);
    if (every <= 0) return fail("bad RESET period", colon + 1);
  }
  /* Scan segment by segment, with every stream moved to the segment's first row. */
  for (long long start = 0; start < steps;) {
    long long end = every > 0 ? (start / every + 1) * every : steps;
    if (end > steps) end = steps;
    double t = 0.0 + (double)start * m->default_dt; /* the time of step `start` */
    if (reset && start > 0) CHECK(nf_state_step(state, reset, t, m->default_dt));
    nf_io* d = malloc(sizeof(nf_io) * (size_t)(n_drives > 0 ? n_drives : 1));
    nf_io* r = malloc(sizeof(nf_io) * (size_t)(m->n_compartments > 0 ? m->n_compartments : 1));
    for (int32_t i = 0; i < n_drives; ++i) d[i] = drives[i], d[i].data = (uint8_t*)drives[i].data + start * sizes[i];
    for (int32_t i = 0; i < m->n_compartments; ++i)
      r[i] = records[i], r[i].data = (uint8_t*)records[i].data + start * m->compartments[i].bytes;
    CHECK(nf_state_scan(state, procs, n_procs, 0.0, m->default_dt, start, end - start, d, n_drives, r,
                        m->n_compartments));
    free(d);
    free(r);
    start = end;
  }

  FILE* out = fopen(argv[7], "wb");
  if (!out) return fail("cannot write the records", argv[7]);
  for (long long k = 0; k < steps; ++k)
    for (int32_t i = 0; i < m->n_compartments; ++i)
      fwrite((uint8_t*)records[i].data + k * m->compartments[i].bytes, 1, (size_t)m->compartments[i].bytes, out);
  if (fclose(out) != 0) return fail("cannot write the records", argv[7]);
  /* Everything is freed, so the golden tests run clean under LeakSanitizer. */
  for (int32_t i = 0; i < m->n_compartments; ++i) free(records[i].data);
  for (int32_t d = 0; d < n_drives; ++d) free((void*)drives[d].data);
  free(records);
  free(drives);
  free(sizes);
  free(file_rows);
  nf_state_destroy(state);
  nf_module_close(module);
  return 0;
}
