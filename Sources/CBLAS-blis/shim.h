#include <blis/cblas.h>
