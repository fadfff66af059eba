# Warnings are errors everywhere: a warning is a bug report nobody reads.
add_library(parley_warnings INTERFACE)
target_compile_options(parley_warnings INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
