#ifndef CONTAM_CBZIP2_SHIM_H
#define CONTAM_CBZIP2_SHIM_H
#include <bzlib.h>
#endif
