#ifndef CONTAM_CBROTLI_SHIM_H
#define CONTAM_CBROTLI_SHIM_H
#include <brotli/decode.h>
#endif
