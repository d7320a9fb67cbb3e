#ifndef CONTAM_CZSTD_SHIM_H
#define CONTAM_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>

/* Swift cannot import these function-like constant macros. */
static inline unsigned long long contam_zstd_contentsize_unknown(void) { return ZSTD_CONTENTSIZE_UNKNOWN; }
static inline unsigned long long contam_zstd_contentsize_error(void) { return ZSTD_CONTENTSIZE_ERROR; }
#endif
