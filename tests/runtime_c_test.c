/* The runtime header compiles as C and the library reports the ABI version
 * that the module header declares. */
#include <stdio.h>
#include <string.h>

#include "neurofuse/runtime.h"

int main(void) {
  if (nf_abi_version() != NF_MODULE_ABI_VERSION) {
    fprintf(stderr, "nf_abi_version() = %d, header says %d\n", nf_abi_version(), NF_MODULE_ABI_VERSION);
    return 1;
  }
  if (strcmp(nf_status_name(NF_ERROR_SHAPE), "NF_ERROR_SHAPE") != 0) return 1;
  return 0;
}
