#ifndef CONTAM_CLZMA_SHIM_H
#define CONTAM_CLZMA_SHIM_H
#include <lzma.h>
#endif
