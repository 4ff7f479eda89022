// epoll, eventfd and thread naming for the RTP relay's poller thread (VPBXNetwork/RTP/Poller): Swift's Glibc
// module does not export these Linux headers. Nothing to link: they are in libc.
#ifndef VPBX_CLINUXEPOLL_SHIM_H
#define VPBX_CLINUXEPOLL_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

// Names the calling thread (what top -H and perf show); prctl is variadic, which Swift cannot call.
static inline void vpbx_name_thread(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
