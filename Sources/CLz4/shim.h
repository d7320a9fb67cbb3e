#ifndef CONTAM_CLZ4_SHIM_H
#define CONTAM_CLZ4_SHIM_H
#include <lz4.h>
#endif
