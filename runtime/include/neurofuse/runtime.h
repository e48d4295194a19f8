/* neurofuse runtime: the C API that applications embed to run compiled models.
 *
 * The runtime links neither LLVM nor the IR. This header grows into the full
 * embedding API (modules, states, I/O, recording, checkpoints); what is here
 * now is the ABI version that every compiled module will declare and the
 * runtime will check when it loads one. */
#ifndef NEUROFUSE_RUNTIME_H
#define NEUROFUSE_RUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the binary interface between compiled modules and the runtime.
 * It changes whenever a module built for one version could be misread by a
 * runtime of another. */
#define NF_ABI_VERSION 1

/* The ABI version this runtime was built with (NF_ABI_VERSION at build time).
 * Thread-safe; never fails. */
int nf_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif
