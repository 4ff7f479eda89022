/*
 * What the relays and the generator of this bench share: errors, descriptor limits, bound
 * UDP sockets and the pairs file. Define PROGRAM (the name errors start with) before
 * including it.
 */
#ifndef RELAY_COMMON_H
#define RELAY_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

static void die(const char *what) {
    fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(errno));
    exit(1);
}

static void raise_nofile(long needed) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if ((long)rl.rlim_cur >= needed) return;
    rl.rlim_cur = (rlim_t)needed <= rl.rlim_max ? (rlim_t)needed : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    if ((long)rl.rlim_cur < needed) {
        fprintf(stderr, PROGRAM ": need %ld file descriptors, the hard limit is %ld (ulimit -Hn)\n", needed,
                (long)rl.rlim_max);
        exit(1);
    }
}

static int udp_socket(const char *host, int rcvbuf) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, PROGRAM ": bad IPv4 address '%s'\n", host);
        exit(2);
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
    return fd;
}

static int local_port(int fd) {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) die("getsockname");
    return ntohs(sa.sin_port);
}

/* Writes "A B" (the local ports of legs 2i and 2i+1) for each of `calls` pairs to `out`,
   through a temporary file and a rename, so `out` appears complete. `first_fd` points at the
   first leg's descriptor; the next leg's is `stride` bytes further. */
static void write_pairs(const char *out, long calls, const int *first_fd, size_t stride) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f) die(tmp);
    const char *base = (const char *)first_fd;
    for (long i = 0; i < calls; i++) {
        int a = *(const int *)(base + (size_t)(2 * i) * stride), b = *(const int *)(base + (size_t)(2 * i + 1) * stride);
        fprintf(f, "%d %d\n", local_port(a), local_port(b));
    }
    if (fclose(f) != 0 || rename(tmp, out) != 0) die(out);
}

#endif
