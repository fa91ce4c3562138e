// wcwidth(3) from the C library: Glibc's Swift module hides it without _XOPEN_SOURCE.
#ifndef HEARTH_CWCWIDTH_SHIM_H
#define HEARTH_CWCWIDTH_SHIM_H
#define _XOPEN_SOURCE 700
#include <wchar.h>

static inline int hearth_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }
#endif
