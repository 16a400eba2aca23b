#ifndef MTSTC_FUZZER_DRIVER_H
#define MTSTC_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): runs the fuzzing loop over
/// `callback` with libFuzzer's command-line flags. Declared here because SwiftPM gives every
/// executable its own `main`, so libFuzzer's `main` is never the entry point.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
