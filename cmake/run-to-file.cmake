# Runs a program and writes its stdout to a file; fails the build when it fails.
# Usage: cmake -DPROGRAM=<exe> -DARGS=<arg;arg> -DOUTPUT=<file> -P run-to-file.cmake
execute_process(COMMAND "${PROGRAM}" ${ARGS} OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed (${_rc})")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
