# Run as `cmake -DDIR=<migrations folder> -DOUT=<file.cpp> -P embed_migrations.cmake`.
# Writes a .cpp defining parley::store::sqlite::embedded_migrations() with every
# NNNN_name.sql as a raw string literal, sorted by file name (= version).
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(delim "parley_sql")
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME)
  if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "migration ${name}: name must be NNNN_lower_case.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${f}" sql)
  string(FIND "${sql}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration ${name} contains the raw string delimiter")
  endif()
  string(APPEND body "      {${version}, \"${name}\", R\"${delim}(${sql})${delim}\"},\n")
endforeach()
set(text "// Generated from src/store/migrations/*.sql by embed_migrations.cmake; do not edit.
#include \"store/sqlite/migrations.hpp\"

namespace parley::store::sqlite {

const std::vector<Migration>& embedded_migrations() {
  static const std::vector<Migration> kMigrations{
${body}  };
  return kMigrations;
}

}  // namespace parley::store::sqlite
")
# Only touch the output when it changes, so unrelated builds do not recompile.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${text}")
