// Only the header matters: LLVMFuzzerRunDriver comes from libFuzzer. SwiftPM wants one source file per C target.
#include "CFuzzerDriver.h"
