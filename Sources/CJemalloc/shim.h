#ifndef VPBX_CJEMALLOC_SHIM_H
#define VPBX_CJEMALLOC_SHIM_H

// The engine links jemalloc (Debian's libjemalloc-dev) so that it replaces glibc's malloc for
// the whole process, the Swift runtime included. Only the introspection entry point is
// declared here: jemalloc's own header redeclares malloc and friends with attributes that
// clash with <stdlib.h> in a Clang module.

#include <stddef.h>
#include <stdint.h>

int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

/// jemalloc's version text, or NULL when the call fails.
static inline const char *vpbx_jemalloc_version(void) {
    const char *version = NULL;
    size_t length = sizeof(version);
    if (mallctl("version", &version, &length, NULL, 0) != 0) return NULL;
    return version;
}

/// Bytes the application holds through jemalloc now (after refreshing its statistics), or
/// -1 when the statistics are unavailable. Non-zero proves jemalloc serves the process's
/// allocations rather than merely being loaded.
static inline int64_t vpbx_jemalloc_allocated_bytes(void) {
    uint64_t epoch = 1;
    size_t epochLength = sizeof(epoch);
    if (mallctl("epoch", &epoch, &epochLength, &epoch, epochLength) != 0) return -1;
    size_t allocated = 0;
    size_t length = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &length, NULL, 0) != 0) return -1;
    return (int64_t)allocated;
}

#endif
