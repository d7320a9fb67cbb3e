#ifndef CONTAM_CZLIB_SHIM_H
#define CONTAM_CZLIB_SHIM_H
#include <zlib.h>
#endif
