# Compiles each public header on its own and fails on any include outside std and <sora/…>.
file(GLOB headers ${INCLUDE_DIR}/sora/*.hpp)
foreach(header ${headers})
  file(STRINGS ${header} includes REGEX "^#include")
  foreach(line ${includes})
    if(NOT line MATCHES "^#include <sora/" AND NOT line MATCHES "^#include <[a-z_]+>$")
      message(FATAL_ERROR "${header}: forbidden include in a public header: ${line}")
    endif()
  endforeach()
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic
                          -I${INCLUDE_DIR} -x c++ ${header}
                  RESULT_VARIABLE result ERROR_VARIABLE errors)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${header} does not compile alone:\n${errors}")
  endif()
endforeach()
