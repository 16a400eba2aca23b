// Debian's BLIS installs its CBLAS header per threading model; the OpenMP build is the one
// libblis-dev pulls in.
#include "/usr/include/x86_64-linux-gnu/blis-openmp/cblas.h"
