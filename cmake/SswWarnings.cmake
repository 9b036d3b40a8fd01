# SPDX-License-Identifier: MIT
# ssw_warnings: the warning set every ssw target compiles with (never third-party code).
add_library(ssw_warnings INTERFACE)
target_compile_options(ssw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(SSW_WERROR)
  target_compile_options(ssw_warnings INTERFACE -Werror)
endif()
