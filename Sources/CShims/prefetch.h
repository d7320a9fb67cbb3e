#ifndef CONTAM_PREFETCH_H
#define CONTAM_PREFETCH_H
/* Swift has no prefetch intrinsic. A prefetch retires at once, so a loop can keep many cache misses in
   flight; a plain load that misses blocks retirement and stalls the loop once the reorder buffer is full.
   Header only: nothing to compile or link. */
static inline void contam_prefetch_for_write(const void *address) { __builtin_prefetch(address, 1, 3); }
static inline void contam_prefetch_for_read(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
