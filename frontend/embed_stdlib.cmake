# Writes a C++ file defining nf::frontend::stdlib_sources() from the .nf files
# given in STDLIB_FILES ("|"-separated) into OUTPUT.
string(REPLACE "|" ";" STDLIB_FILES "${STDLIB_FILES}")
set(body "")
foreach(f ${STDLIB_FILES})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"nf_stdlib(${text})nf_stdlib\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from stdlib/*.nf by frontend/embed_stdlib.cmake.\n#include \"frontend/stdlib_sources.h\"\n\nnamespace nf::frontend {\n\nconst std::map<std::string, std::string>& stdlib_sources() {\n  static const std::map<std::string, std::string> sources = {\n${body}  };\n  return sources;\n}\n\n}  // namespace nf::frontend\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
