// epoll, eventfd and thread naming for the RTP relay's poller thread (VPBXNetwork/RTP/Poller),
// sendmmsg for the SIP transport's batched sends and its sockets' drop counts: Swift's Glibc module does not export these Linux
// headers (sendmmsg and its struct need _GNU_SOURCE). Nothing to link: they are in libc.
#ifndef VPBX_CLINUXEPOLL_SHIM_H
#define VPBX_CLINUXEPOLL_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sock_diag.h>

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

// Names the calling thread (what top -H and perf show); prctl is variadic, which Swift cannot call.
static inline void vpbx_name_thread(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

// The kernel's struct mmsghdr under its own name, so this header needs no _GNU_SOURCE (which
// would clash with the Glibc module's view of <sys/socket.h>).
struct vpbx_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

// sendmmsg(2) through syscall(2): the datagrams sent, or -1 with errno.
static inline int vpbx_sendmmsg(int descriptor, struct vpbx_mmsghdr *messages, unsigned int count, int flags) {
    return (int)syscall(SYS_sendmmsg, descriptor, messages, count, flags);
}

// Datagrams the kernel dropped for this socket (its receive buffer full): the counter
// /proc/net/udp shows in its drops column, read for one socket (SO_MEMINFO, Linux 4.12)
// instead of generating and parsing the table of every socket. -1 when unavailable.
static inline long long vpbx_socket_drops(int descriptor) {
    unsigned int info[SK_MEMINFO_VARS];
    socklen_t length = sizeof(info);
    if (getsockopt(descriptor, SOL_SOCKET, SO_MEMINFO, info, &length) != 0) return -1;
    if (length < (socklen_t)((SK_MEMINFO_DROPS + 1) * sizeof(unsigned int))) return -1;
    return info[SK_MEMINFO_DROPS];
}
#endif
