/* Runs a compiled module in a process that links nothing but the C library
 * (and libdl): the proof that a module made by `neurofuse compile` needs no
 * LLVM and no neurofuse library. It creates a state the way neurofuse/module.h
 * prescribes, then runs all steps with one nf_scan call, driving the listed
 * compartments from a file and recording every compartment after each step.
 *
 * usage: aot_probe MODULE.so SEED STEPS PROCESSES RESET DRIVES.bin RECORDS.bin [COMPARTMENT ...]
 *   PROCESSES    comma-separated process names run in order each step
 *   RESET        PROCESS:N to run PROCESS before every N-th step (N > 0), or -
 *   DRIVES.bin   STEPS rows; each row holds the listed compartments' values in order
 *   RECORDS.bin  written: STEPS rows; each row holds every compartment, in module order
 * Exit status 0 on success; a message on stderr otherwise. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurofuse/module.h"

static int fail(const char* what, const char* detail) {
  fprintf(stderr, "aot_probe: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  return 1;
}

static const nf_compartment_info* find(const nf_module_info* m, const char* name) {
  for (int32_t i = 0; i < m->n_compartments; ++i)
    if (strcmp(m->compartments[i].name, name) == 0) return &m->compartments[i];
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 8) return fail("usage: aot_probe MODULE.so SEED STEPS PROCESSES RESET DRIVES.bin RECORDS.bin [COMPARTMENT ...]", NULL);
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fail("cannot load the module", dlerror());
  const nf_module_info* m = (const nf_module_info*)dlsym(lib, "nf_module");
  if (!m) return fail("the library has no nf_module", NULL);
  if (m->abi_version != NF_MODULE_ABI_VERSION || m->struct_size != sizeof(nf_module_info))
    return fail("the module has another ABI version", NULL);
  unsigned long long seed = strtoull(argv[2], NULL, 10);
  long long steps = strtoll(argv[3], NULL, 10);

  uint8_t* state = aligned_alloc((size_t)m->alignment, (size_t)((m->state_size + m->alignment - 1) / m->alignment * m->alignment));
  if (!state) return fail("out of memory", NULL);
  memset(state, 0, (size_t)m->state_size);
  for (int32_t i = 0; i < m->n_compartments; ++i)
    for (int64_t b = 0; b < m->compartments[i].bytes; b += 4)
      memcpy(state + m->compartments[i].offset + b, &m->compartments[i].init_bits, 4);
  for (int32_t i = 0; i < m->n_params; ++i) memcpy(state + m->params[i].offset, &m->params[i].default_value, 4);
  memcpy(state + m->seed_offset, &seed, 8);
  for (int32_t i = 0; i < m->n_processes; ++i)
    if (strcmp(m->processes[i].name, "initialize") == 0) m->processes[i].step(state, 0.0f, m->default_dt);

  int32_t procs[64];
  int32_t n_procs = 0;
  char* list = strdup(argv[4]);
  for (char* name = strtok(list, ","); name; name = strtok(NULL, ",")) {
    int32_t found = -1;
    for (int32_t i = 0; i < m->n_processes; ++i)
      if (strcmp(m->processes[i].name, name) == 0) found = i;
    if (found < 0 || n_procs == 64) return fail("unknown process", name);
    procs[n_procs++] = found;
  }

  /* Drives: the listed compartments, each a slice of one row of the file. */
  int32_t n_drives = argc - 8;
  nf_stream* drives = calloc((size_t)(n_drives > 0 ? n_drives : 1), sizeof(nf_stream));
  int64_t row = 0;
  for (int32_t d = 0; d < n_drives; ++d) {
    const nf_compartment_info* c = find(m, argv[8 + d]);
    if (!c) return fail("unknown compartment", argv[8 + d]);
    drives[d].offset = c->offset;
    drives[d].bytes = c->bytes;
    row += c->bytes;
  }
  uint8_t* drive_data = malloc((size_t)(row * steps + 1));
  FILE* in = fopen(argv[6], "rb");
  if (!in || fread(drive_data, 1, (size_t)(row * steps), in) != (size_t)(row * steps)) return fail("cannot read the drives", argv[6]);
  fclose(in);
  /* Each drive reads its own column block: rows of `row` bytes, so give every
   * drive a private, contiguous copy of its column. */
  int64_t column = 0;
  for (int32_t d = 0; d < n_drives; ++d) {
    uint8_t* own = malloc((size_t)(drives[d].bytes * steps + 1));
    for (long long k = 0; k < steps; ++k)
      memcpy(own + k * drives[d].bytes, drive_data + k * row + column, (size_t)drives[d].bytes);
    drives[d].data = own;
    column += drives[d].bytes;
  }

  nf_stream* records = calloc((size_t)(m->n_compartments > 0 ? m->n_compartments : 1), sizeof(nf_stream));
  for (int32_t i = 0; i < m->n_compartments; ++i) {
    records[i].offset = m->compartments[i].offset;
    records[i].bytes = m->compartments[i].bytes;
    records[i].data = malloc((size_t)(m->compartments[i].bytes * steps + 1));
  }
  /* The reset schedule: a process run before every `every`-th step. */
  int32_t reset = -1;
  long long every = 0;
  if (strcmp(argv[5], "-") != 0) {
    char* spec = strdup(argv[5]);
    char* colon = strchr(spec, ':');
    if (!colon) return fail("RESET must be PROCESS:N or -", argv[5]);
    *colon = 0;
    every = strtoll(colon + 1, NULL, 10);
    for (int32_t i = 0; i < m->n_processes; ++i)
      if (strcmp(m->processes[i].name, spec) == 0) reset = i;
    if (reset < 0 || every <= 0) return fail("bad RESET", argv[5]);
  }
  /* Scan segment by segment, moving every stream to the segment's first row. */
  float t = 0.0f;
  for (long long start = 0; start < steps;) {
    long long end = every > 0 ? (start / every + 1) * every : steps;
    if (end > steps) end = steps;
    if (reset >= 0 && start > 0) m->processes[reset].step(state, t, m->default_dt);
    nf_stream* d = malloc(sizeof(nf_stream) * (size_t)(n_drives > 0 ? n_drives : 1));
    nf_stream* r = malloc(sizeof(nf_stream) * (size_t)(m->n_compartments > 0 ? m->n_compartments : 1));
    for (int32_t i = 0; i < n_drives; ++i) d[i] = drives[i], d[i].data += start * drives[i].bytes;
    for (int32_t i = 0; i < m->n_compartments; ++i) r[i] = records[i], r[i].data += start * records[i].bytes;
    m->scan(state, procs, n_procs, t, m->default_dt, end - start, d, n_drives, r, m->n_compartments);
    for (long long k = start; k < end; ++k) t = t + m->default_dt;
    free(d);
    free(r);
    start = end;
  }

  FILE* out = fopen(argv[7], "wb");
  if (!out) return fail("cannot write the records", argv[7]);
  for (long long k = 0; k < steps; ++k)
    for (int32_t i = 0; i < m->n_compartments; ++i)
      fwrite(records[i].data + k * records[i].bytes, 1, (size_t)records[i].bytes, out);
  if (fclose(out) != 0) return fail("cannot write the records", argv[7]);
  return 0;
}
