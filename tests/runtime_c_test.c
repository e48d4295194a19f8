/* The runtime header compiles as C and reports the ABI version it declares. */
#include <stdio.h>

#include "neurofuse/runtime.h"

int main(void) {
  if (nf_abi_version() != NF_ABI_VERSION) {
    fprintf(stderr, "nf_abi_version() = %d, header says %d\n", nf_abi_version(), NF_ABI_VERSION);
    return 1;
  }
  return 0;
}
