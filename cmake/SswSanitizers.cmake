# SPDX-License-Identifier: MIT
# ssw_sanitizers: ASan/UBSan (or any -fsanitize list) for every ssw target when SSW_SANITIZE is set.
add_library(ssw_sanitizers INTERFACE)
if(SSW_SANITIZE)
  target_compile_options(ssw_sanitizers INTERFACE
    -fsanitize=${SSW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(ssw_sanitizers INTERFACE -fsanitize=${SSW_SANITIZE})
endif()
