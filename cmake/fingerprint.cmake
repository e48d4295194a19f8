# Writes OUT, a header defining NF_COMPILER_FINGERPRINT: the SHA-256 of the
# files listed (one per line) in LIST, so that compiled objects cached by one
# build of the compiler are never served by another.
file(STRINGS "${LIST}" files)
list(SORT files)
set(all "")
foreach(f IN LISTS files)
  file(SHA256 "${f}" h)
  string(APPEND all "${h}\n")
endforeach()
string(SHA256 fingerprint "${all}")
set(text "#pragma once\n#define NF_COMPILER_FINGERPRINT \"${fingerprint}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${text}")
