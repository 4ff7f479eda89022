/*
 * uring_relay: the trivial relay of rtp_blast.c (`rtp_blast relay`), with io_uring in place of
 * epoll, recvfrom and sendto. An experiment, not the engine's relay: it says how much of a
 * relay's CPU is the two system calls per packet that every socket-per-leg relay pays (the C
 * relay and the engine's poller alike), which io_uring turns into one `io_uring_enter` per
 * batch for every socket at once.
 *
 *   uring_relay --calls C --pairs-out FILE [--host H] [--buffers N]
 *
 * Same contract as `rtp_blast relay`: binds C port pairs on H (127.0.0.1), writes "A B" per
 * line to FILE, latches each leg to the first source it hears, forwards to the other leg's
 * phone, and runs until SIGTERM/SIGINT, then prints its counters on stderr.
 *
 * How: each socket has one multishot `recvmsg` armed, taking buffers from one provided-buffer
 * ring; each packet is sent on with a `sendmsg` from the same buffer, which goes back to the
 * ring when the send completes. Needs liburing (Debian: liburing-dev) and Linux 6.0 or later.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROGRAM "uring_relay"
#include "relay_common.h"

static void die_code(const char *what, int code) {
    fprintf(stderr, "uring_relay: %s: %s\n", what, strerror(code));
    exit(1);
}

static volatile sig_atomic_t stop_relay = 0;
static void on_signal(int sig) { (void)sig; stop_relay = 1; }

struct leg {
    int fd;
    int latched;
    struct sockaddr_in peer;
};

/* What a buffer needs while its packet is being sent: the kernel reads these until the send
   completes. */
struct pending_send {
    struct msghdr msg;
    struct iovec iov;
};

enum { BUFFER_SIZE = 2048, BUFFER_GROUP = 1 };
static const uint64_t SEND_FLAG = 1ULL << 63;

static struct io_uring ring;
static struct io_uring_buf_ring *buffer_ring;
static unsigned char *buffers;
static unsigned buffer_count, buffer_mask, recycled;
static struct msghdr recv_template;

static struct io_uring_sqe *next_sqe(void) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        io_uring_submit(&ring);
        sqe = io_uring_get_sqe(&ring);
        if (!sqe) die_code("io_uring_get_sqe", EBUSY);
    }
    return sqe;
}

static void arm_receive(struct leg *legs, long index) {
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_recvmsg_multishot(sqe, legs[index].fd, &recv_template, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUFFER_GROUP;
    io_uring_sqe_set_data64(sqe, (uint64_t)index);
}

static void recycle(unsigned id) {
    io_uring_buf_ring_add(buffer_ring, buffers + (size_t)id * BUFFER_SIZE, BUFFER_SIZE, (unsigned short)id, buffer_mask,
                          (int)recycled);
    recycled++;
}

int main(int argc, char **argv) {
    long calls = 0;
    unsigned wanted_buffers = 8192;
    const char *out = NULL, *host = "127.0.0.1";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = atol(argv[++i]);
        else if (!strcmp(argv[i], "--pairs-out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--host") && i + 1 < argc) host = argv[++i];
        else if (!strcmp(argv[i], "--buffers") && i + 1 < argc) wanted_buffers = (unsigned)atol(argv[++i]);
        else {
            fprintf(stderr, "uring_relay: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (calls < 1 || !out) {
        fprintf(stderr, "uring_relay: needs --calls C (>= 1) and --pairs-out FILE\n");
        return 2;
    }
    /* A power of two, as the buffer ring wants; at most 32,768 (the ring's limit). */
    for (buffer_count = 1; buffer_count < wanted_buffers && buffer_count < 32768; buffer_count <<= 1) {}
    buffer_mask = io_uring_buf_ring_mask(buffer_count);

    raise_nofile(2 * calls + 64);
    struct leg *legs = calloc((size_t)(2 * calls), sizeof *legs);
    struct pending_send *sends = calloc(buffer_count, sizeof *sends);
    if (!legs || !sends) die("calloc");
    for (long i = 0; i < 2 * calls; i++) legs[i].fd = udp_socket(host, 0);

    struct io_uring_params params = {0};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    params.flags |= IORING_SETUP_CQSIZE;
    params.cq_entries = buffer_count * 2 + (unsigned)(2 * calls);
    int rc = io_uring_queue_init_params(4096, &ring, &params);
    if (rc < 0) die_code("io_uring_queue_init_params", -rc);

    size_t ring_bytes = (size_t)buffer_count * sizeof(struct io_uring_buf);
    buffer_ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (buffer_ring == MAP_FAILED) die("mmap");
    io_uring_buf_ring_init(buffer_ring);
    struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)buffer_ring, .ring_entries = buffer_count,
                                   .bgid = BUFFER_GROUP};
    rc = io_uring_register_buf_ring(&ring, &reg, 0);
    if (rc < 0) die_code("io_uring_register_buf_ring", -rc);
    buffers = aligned_alloc(4096, (size_t)buffer_count * BUFFER_SIZE);
    if (!buffers) die("aligned_alloc");
    for (unsigned id = 0; id < buffer_count; id++) recycle(id);
    io_uring_buf_ring_advance(buffer_ring, (int)recycled);
    recycled = 0;

    recv_template.msg_namelen = sizeof(struct sockaddr_in);
    recv_template.msg_controllen = 0;
    for (long i = 0; i < 2 * calls; i++) arm_receive(legs, i);
    io_uring_submit(&ring);

    write_pairs(out, calls, &legs[0].fd, sizeof *legs);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    unsigned long forwarded = 0, dropped_no_peer = 0, dropped_foreign = 0, no_buffers = 0, send_failed = 0, rearmed = 0;
    struct __kernel_timespec tick = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
    while (!stop_relay) {
        struct io_uring_cqe *cqe;
        rc = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &tick, NULL);
        if (rc < 0 && rc != -ETIME && rc != -EINTR) die_code("io_uring_submit_and_wait_timeout", -rc);
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            uint64_t data = io_uring_cqe_get_data64(cqe);
            if (data & SEND_FLAG) {
                unsigned id = (unsigned)(data & ~SEND_FLAG);
                if (cqe->res < 0) send_failed++;
                else forwarded++;
                recycle(id);
                continue;
            }
            long index = (long)data;
            if (!(cqe->flags & IORING_CQE_F_MORE)) {
                arm_receive(legs, index); /* the multishot ended (no buffer, an error): again */
                rearmed++;
            }
            if (cqe->res < 0) {
                if (cqe->res == -ENOBUFS) no_buffers++;
                continue;
            }
            if (!(cqe->flags & IORING_CQE_F_BUFFER)) continue;
            unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
            unsigned char *buffer = buffers + (size_t)id * BUFFER_SIZE;
            struct io_uring_recvmsg_out *message = io_uring_recvmsg_validate(buffer, cqe->res, &recv_template);
            if (!message || message->namelen < sizeof(struct sockaddr_in)) {
                recycle(id);
                continue;
            }
            struct sockaddr_in *source = io_uring_recvmsg_name(message);
            struct leg *in = &legs[index], *other = &legs[index ^ 1];
            if (!in->latched) {
                in->peer = *source;
                in->latched = 1;
            } else if (in->peer.sin_port != source->sin_port || in->peer.sin_addr.s_addr != source->sin_addr.s_addr) {
                dropped_foreign++;
                recycle(id);
                continue;
            }
            if (!other->latched) {
                dropped_no_peer++;
                recycle(id);
                continue;
            }
            struct pending_send *send = &sends[id];
            send->iov.iov_base = io_uring_recvmsg_payload(message, &recv_template);
            send->iov.iov_len = io_uring_recvmsg_payload_length(message, cqe->res, &recv_template);
            send->msg = (struct msghdr){.msg_name = &other->peer, .msg_namelen = sizeof other->peer,
                                        .msg_iov = &send->iov, .msg_iovlen = 1};
            struct io_uring_sqe *sqe = next_sqe();
            io_uring_prep_sendmsg(sqe, other->fd, &send->msg, 0);
            io_uring_sqe_set_data64(sqe, SEND_FLAG | id);
        }
        io_uring_cq_advance(&ring, seen);
        if (recycled) {
            io_uring_buf_ring_advance(buffer_ring, (int)recycled);
            recycled = 0;
        }
    }
    fprintf(stderr,
            "uring_relay: forwarded=%lu dropped_no_peer=%lu dropped_foreign=%lu no_buffers=%lu send_failed=%lu "
            "rearmed=%lu\n",
            forwarded, dropped_no_peer, dropped_foreign, no_buffers, send_failed, rearmed);
    return 0;
}
