# Included by src/CMakeLists.txt after parley_module(store ...): adds the
# backend-independent store code (store/*.cpp) and the SQL migrations, which
# are embedded into the binary as a generated .cpp at build time.
file(GLOB parley_store_common CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
file(GLOB parley_store_sql CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/migrations/*.sql)
set(parley_store_generated ${CMAKE_CURRENT_BINARY_DIR}/store_migrations.cpp)
add_custom_command(
  OUTPUT ${parley_store_generated}
  COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_CURRENT_LIST_DIR}/migrations
          -DOUT=${parley_store_generated} -P ${CMAKE_CURRENT_LIST_DIR}/embed_migrations.cmake
  DEPENDS ${parley_store_sql} ${CMAKE_CURRENT_LIST_DIR}/embed_migrations.cmake
  COMMENT "Embedding store migrations"
  VERBATIM)
target_sources(parley_store PRIVATE ${parley_store_common} ${parley_store_generated})
