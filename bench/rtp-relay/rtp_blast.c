/*
 * rtp_blast: a fast G.711 RTP load generator, and the trivial relay baseline it is compared
 * against. One file, C99 + POSIX/Linux (epoll), no dependencies. Built by run.sh:
 *
 *   cc -O2 -pthread -o rtp_blast rtp_blast.c
 *
 * Generator (same measurement as rtp_load.py, at thousands of streams):
 *
 *   rtp_blast gen --direct N              [--duration S] [--warmup S] [--drain S] [--label L]
 *                                         [--tick-us T] [--poll-us P] [--shared-sockets]
 *   rtp_blast gen --pairs FILE [--streams N] [--host H] [--duration S] [--warmup S] ...
 *                 [--srtp KEY_X,KEY_Y]    (built with -DRTP_BLAST_SRTP -lsrtp2)
 *
 *   Streams come two per call, as in a real call: FILE holds one "A B" port pair per call
 *   (the relay's caller-leg and callee-leg ports); phone X's socket talks to A and phone Y's
 *   socket to B. Stream 2k is X -> A ... B -> Y, stream 2k+1 is Y -> B ... A -> X, so each
 *   socket sends one stream and receives the other, like a phone behind symmetric RTP. Each
 *   stream is a 172-byte RTP packet (12-byte header + 160-byte PCMU payload) every 20 ms;
 *   the N streams are spread evenly over the 20 ms period. Both phones first send three
 *   priming packets to their port, so a latching relay knows both before the measurement.
 *   The send time (CLOCK_MONOTONIC ns) and the packet index ride in the payload. One thread
 *   sends on schedule, one thread receives (epoll, nonblocking sockets). --tick-us T: the
 *   sender wakes at most once per T and sends what is due by then; --poll-us P: the receiver
 *   never blocks in epoll but sleeps P when nothing is ready (0, the default for both, wakes
 *   per packet, which on small VMs costs more than the packets). --shared-sockets: two
 *   sockets for all phones (X, Y) with sendmmsg/recvmmsg; otherwise a socket per phone,
 *   connected to its relay port. --streams N (even)
 *   uses the first N/2 pairs (default: all). With --direct N, X and Y send straight to each
 *   other: the floor. --srtp: phone X protects what it sends with KEY_X, phone Y with KEY_Y
 *   (SDES inline keys, base64 of 30 bytes, AES_CM_128_HMAC_SHA1_80, one libsrtp session per
 *   stream); the packets that arrive are not decrypted (a relay that terminates SRTP sends
 *   them under keys of its own): their stream and index come from the RTP header (SSRC,
 *   sequence number) and their send time from a table the sender fills. Prints one line of
 *   key=value pairs (times in microseconds):
 *     label streams sent received loss_pct duplicates truncated send_errors
 *     p50_us p90_us p99_us p999_us max_us lag_p99_us lag_max_us gen_cpu_pct
 *
 * Relay baseline (one socket per leg, symmetric latching like vpbx, one thread):
 *
 *   rtp_blast relay --calls C --pairs-out FILE [--host H]
 *
 *   Binds C pairs of UDP ports (one pair per call, 2C streams) (the kernel picks them), writes "A B" per line to FILE (via a
 *   temporary file and rename, so FILE appears complete), then relays until SIGTERM/SIGINT.
 *   A packet received on a leg latches that leg to its source (the first one wins; later
 *   packets from elsewhere are dropped) and goes out of the other leg's socket to the other
 *   leg's latched address (dropped while that is unknown).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "rtp_blast"
#include "relay_common.h"
#ifdef RTP_BLAST_SRTP
#include <srtp2/srtp.h>
#endif

#define PAYLOAD 160
#define HEADER 12
#define PACKET_SIZE (HEADER + PAYLOAD)
#define PTIME_NS 20000000LL
#define PRIMING_PACKETS 3
#define SRTP_TAG 10 /* AES_CM_128_HMAC_SHA1_80's authentication tag */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double arg_double(const char *name, const char *value) {
    char *end;
    double v = strtod(value, &end);
    if (*value == 0 || *end != 0 || v < 0) {
        fprintf(stderr, "rtp_blast: %s wants a non-negative number, got '%s'\n", name, value);
        exit(2);
    }
    return v;
}

/* ---------------------------------------------------------------- relay baseline ---- */

static volatile sig_atomic_t stop_relay = 0;
static void on_signal(int sig) { (void)sig; stop_relay = 1; }

struct leg {
    int fd;
    int latched;
    struct sockaddr_in peer;
};

static int relay_main(int argc, char **argv) {
    long streams = 0;
    const char *out = NULL, *host = "127.0.0.1";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--calls") && i + 1 < argc) streams = atol(argv[++i]);
        else if (!strcmp(argv[i], "--pairs-out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--host") && i + 1 < argc) host = argv[++i];
        else {
            fprintf(stderr, "rtp_blast relay: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (streams < 1 || !out) {
        fprintf(stderr, "rtp_blast relay: needs --calls C (>= 1) and --pairs-out FILE\n");
        return 2;
    }
    raise_nofile(2 * streams + 64);
    struct leg *legs = calloc((size_t)(2 * streams), sizeof *legs);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (!legs || ep < 0) die("setup");
    for (long i = 0; i < 2 * streams; i++) {
        legs[i].fd = udp_socket(host, 0); /* the kernel's default buffer, as a plain relay has */
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, legs[i].fd, &ev) != 0) die("epoll_ctl");
    }
    write_pairs(out, streams, &legs[0].fd, sizeof *legs);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    enum { MAX_EVENTS = 512 };
    struct epoll_event events[MAX_EVENTS];
    unsigned char buf[2048];
    unsigned long forwarded = 0, dropped_no_peer = 0, dropped_foreign = 0;
    while (!stop_relay) {
        int n = epoll_wait(ep, events, MAX_EVENTS, 200);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int e = 0; e < n; e++) {
            long i = (long)events[e].data.u64;
            struct leg *in = &legs[i], *other = &legs[i ^ 1];
            struct sockaddr_in src;
            socklen_t srclen = sizeof src;
            ssize_t size = recvfrom(in->fd, buf, sizeof buf, 0, (struct sockaddr *)&src, &srclen);
            if (size < 0) continue; /* EAGAIN, or an ICMP error: level-triggered, nothing lost */
            if (!in->latched) {
                in->peer = src;
                in->latched = 1;
            } else if (in->peer.sin_port != src.sin_port || in->peer.sin_addr.s_addr != src.sin_addr.s_addr) {
                dropped_foreign++;
                continue;
            }
            if (!other->latched) {
                dropped_no_peer++;
                continue;
            }
            if (sendto(other->fd, buf, (size_t)size, 0, (struct sockaddr *)&other->peer, sizeof other->peer) == size)
                forwarded++;
        }
    }
    fprintf(stderr, "rtp_blast relay: forwarded=%lu dropped_no_peer=%lu dropped_foreign=%lu\n", forwarded,
            dropped_no_peer, dropped_foreign);
    return 0;
}

/* --------------------------------------------------------------------- generator ---- */

struct gen {
    long streams;
    int *endpoints; /* 2 per call: phone X (caller side), phone Y (callee side) */
    long nendpoints;
    int *senders;   /* per stream: the endpoint socket it is sent from */
    struct sockaddr_in *targets;
    int64_t start, measure_from, stop_sending, stop_at;
    int64_t step; /* ns between consecutive streams' sends */
    int shared;   /* 1: two sockets for all calls (X side, Y side), sendmmsg/recvmmsg */
    int64_t tick_ns; /* > 0: the sender wakes at most once per tick and sends what is due */
    int64_t poll_ns; /* > 0: the receiver sleeps this long when nothing is ready, no epoll wake-ups */
    long max_index; /* packets per stream over warm-up + duration, plus slack */
    /* --srtp: one libsrtp session per stream (NULL without), and each packet's send time by
       stream * max_index + index, since the payload that carries it arrives encrypted. */
    void **srtp;
    int64_t *sent_at;
    /* sender thread */
    uint64_t *sent; /* per stream, in the measured window */
    uint32_t *lag;  /* ns late against schedule, measured window */
    long lag_count, lag_cap;
    uint64_t send_errors;
    /* receiver thread */
    uint64_t *received;
    uint8_t *seen; /* streams * max_index bits */
    uint32_t *lat; /* ns, measured window */
    long lat_count, lat_cap;
    uint64_t duplicates, truncated, late_or_foreign;
    uint32_t *bucket_max; /* worst latency (ns) per 250 ms of the measured window, by send time */
    long buckets;
};

#define BUCKET_NS 250000000LL

enum { BATCH = 256 };

#ifdef RTP_BLAST_SRTP
/* The 30 bytes of an SDES inline key (base64, 40 characters); exits on anything else. */
static void decode_key(const char *text, size_t length, unsigned char out[30]) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (length != 40) {
        fprintf(stderr, "rtp_blast gen: an SRTP key is 40 base64 characters (30 bytes), got %zu\n", length);
        exit(2);
    }
    uint32_t bits = 0;
    int have = 0;
    size_t n = 0;
    for (size_t i = 0; i < length; i++) {
        const char *at = strchr(alphabet, text[i]);
        if (!at || !text[i]) {
            fprintf(stderr, "rtp_blast gen: '%c' in an SRTP key is not base64\n", text[i]);
            exit(2);
        }
        bits = (bits << 6) | (uint32_t)(at - alphabet);
        have += 6;
        if (have >= 8) {
            have -= 8;
            out[n++] = (unsigned char)(bits >> have);
        }
    }
}

/* A libsrtp session protecting one stream under `key`. */
static void *srtp_session(unsigned char key[30]) {
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = ssrc_any_outbound;
    policy.key = key;
    policy.allow_repeat_tx = 1; /* the priming packets share their sequence numbers */
    srtp_t session;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) {
        fprintf(stderr, "rtp_blast gen: srtp_create failed\n");
        exit(1);
    }
    return session;
}

/* Protects the plain packet `pkt` of stream `i` in place; its new length. */
static int protect(struct gen *g, long i, unsigned char *pkt) {
    int length = PACKET_SIZE;
    if (srtp_protect((srtp_t)g->srtp[i], pkt, &length) != srtp_err_status_ok) {
        fprintf(stderr, "rtp_blast gen: srtp_protect failed\n");
        exit(1);
    }
    return length;
}
#else
static int protect(struct gen *g, long i, unsigned char *pkt) {
    (void)g, (void)i, (void)pkt;
    return PACKET_SIZE;
}
#endif

static void *sender_thread(void *arg) {
    struct gen *g = arg;
    static unsigned char pkts[BATCH][PACKET_SIZE + 16];
    static struct mmsghdr msgs[2][BATCH];
    static struct iovec iovs[BATCH];
    static long batch_stream[2][BATCH];
    static int64_t batch_due[2][BATCH];
    for (int k = 0; k < BATCH; k++) {
        memset(pkts[k], 0xff, PACKET_SIZE); /* PCMU silence */
        pkts[k][0] = 0x80;
        pkts[k][1] = 0; /* PT 0 = PCMU */
        iovs[k] = (struct iovec){.iov_base = pkts[k], .iov_len = PACKET_SIZE};
    }
    const int64_t step = g->step;
    /* tick t: stream t % streams, packet index t / streams, due at start + t * PTIME / streams.
       Each wake-up sends everything that is due (up to BATCH packets), then sleeps to the
       next due time (timer slack is 1 ns, set in gen_main; no spinning, so the generator
       leaves the CPU to the relay it shares the machine with). */
    int64_t tick = 0;
    for (;;) {
        int64_t due = g->start + (tick / g->streams) * PTIME_NS + (tick % g->streams) * step;
        if (due >= g->stop_sending) break;
        int64_t now = now_ns();
        if (due > now) {
            /* With a tick, sleep to the tick boundary after the due time: per-stream wake-ups
               (every 9 us at 2,250 streams) cost the VM more than the sends themselves. */
            if (g->tick_ns > 0) due = g->start + ((due - g->start + g->tick_ns - 1) / g->tick_ns) * g->tick_ns;
            struct timespec ts = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
            continue;
        }
        int count[2] = {0, 0}, total = 0;
        int64_t stamp = now_ns();
        while (total < BATCH) {
            due = g->start + (tick / g->streams) * PTIME_NS + (tick % g->streams) * step;
            if (due > stamp || due >= g->stop_sending) break;
            long i = (long)(tick % g->streams);
            uint32_t index = (uint32_t)(tick / g->streams);
            unsigned char *pkt = pkts[total];
            uint16_t seq = htons((uint16_t)index);
            uint32_t ts = htonl(index * PAYLOAD), ssrc = htonl((uint32_t)i);
            memcpy(pkt + 2, &seq, 2);
            memcpy(pkt + 4, &ts, 4);
            memcpy(pkt + 8, &ssrc, 4);
            memcpy(pkt + HEADER, &stamp, 8); /* host byte order: same machine */
            memcpy(pkt + HEADER + 8, &index, 4);
            iovs[total].iov_len = PACKET_SIZE;
            if (g->srtp) {
                memset(pkt + HEADER, 0xff, PAYLOAD); /* PCMU silence, as without: stamps go in the table */
                __atomic_store_n(&g->sent_at[i * g->max_index + index], stamp, __ATOMIC_RELEASE);
                iovs[total].iov_len = (size_t)protect(g, i, pkt);
            }
            /* Shared sockets: queue per socket (X = even streams, Y = odd) for sendmmsg. */
            int q = g->shared ? (int)(i & 1) : 0;
            msgs[q][count[q]].msg_hdr = (struct msghdr){.msg_name = &g->targets[i],
                .msg_namelen = sizeof g->targets[i], .msg_iov = &iovs[total], .msg_iovlen = 1};
            batch_stream[q][count[q]] = i;
            batch_due[q][count[q]] = due;
            count[q]++;
            total++;
            tick++;
        }
        for (int q = 0; q < 2; q++) {
            int done = 0;
            if (g->shared) {
                if (count[q] > 0) {
                    int r = sendmmsg(g->endpoints[q], msgs[q], (unsigned)count[q], 0);
                    done = r < 0 ? 0 : r;
                }
            }
            for (int k = 0; k < count[q]; k++) {
                long i = batch_stream[q][k];
                int ok;
                if (g->shared) ok = k < done;
                else {
                    /* Stamped as it leaves: a tick's batch takes a while to send, and the
                       latency must not count the packets queued ahead of it here. */
                    unsigned char *pkt = msgs[q][k].msg_hdr.msg_iov->iov_base;
                    size_t len = msgs[q][k].msg_hdr.msg_iov->iov_len;
                    int64_t sent_at = now_ns();
                    if (g->srtp) {
                        uint16_t seq;
                        memcpy(&seq, pkt + 2, 2);
                        __atomic_store_n(&g->sent_at[i * g->max_index + ntohs(seq)], sent_at, __ATOMIC_RELEASE);
                    } else {
                        memcpy(pkt + HEADER, &sent_at, 8);
                    }
                    ok = send(g->senders[i], pkt, len, 0) == (ssize_t)len; /* connected to its target */
                }
                if (batch_due[q][k] < g->measure_from) continue;
                if (!ok) {
                    g->send_errors++;
                    continue;
                }
                g->sent[i]++;
                if (g->lag_count < g->lag_cap) {
                    int64_t late = stamp - batch_due[q][k];
                    g->lag[g->lag_count++] = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
                }
            }
        }
    }
    return NULL;
}

static void take_packet(struct gen *g, const unsigned char *buf, ssize_t size, int64_t arrival) {
    if (size != (g->srtp ? PACKET_SIZE + SRTP_TAG : PACKET_SIZE)) {
        g->truncated++;
        return;
    }
    uint32_t ssrc, index;
    int64_t sent_at;
    memcpy(&ssrc, buf + 8, 4);
    ssrc = ntohl(ssrc);
    if (g->srtp) {
        uint16_t seq;
        memcpy(&seq, buf + 2, 2);
        index = ntohs(seq);
        if (ssrc >= (uint32_t)g->streams || (long)index >= g->max_index) {
            g->late_or_foreign++;
            return;
        }
        sent_at = __atomic_load_n(&g->sent_at[(long)ssrc * g->max_index + index], __ATOMIC_ACQUIRE);
    } else {
        memcpy(&sent_at, buf + HEADER, 8);
        memcpy(&index, buf + HEADER + 8, 4);
    }
    /* In the measured window when its due time is (as the sender counts it). */
    if (ssrc >= (uint32_t)g->streams || (long)index >= g->max_index ||
        g->start + (int64_t)index * PTIME_NS + (int64_t)ssrc * g->step < g->measure_from) {
        g->late_or_foreign++;
        return;
    }
    uint64_t bit = (uint64_t)ssrc * (uint64_t)g->max_index + index;
    if (g->seen[bit >> 3] & (1u << (bit & 7))) {
        g->duplicates++;
        return;
    }
    g->seen[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    g->received[ssrc]++;
    int64_t d = arrival - sent_at;
    uint32_t lat = d < 0 ? 0 : d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    if (g->lat_count < g->lat_cap) g->lat[g->lat_count++] = lat;
    long b = (long)((sent_at - g->measure_from) / BUCKET_NS);
    if (b >= 0 && b < g->buckets && lat > g->bucket_max[b]) g->bucket_max[b] = lat;
}

static void *receiver_thread(void *arg) {
    struct gen *g = arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (long i = 0; i < g->nendpoints; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, g->endpoints[i], &ev) != 0) die("epoll_ctl");
    }
    enum { MAX_EVENTS = 512, RBATCH = 64 };
    struct epoll_event events[MAX_EVENTS];
    static unsigned char bufs[RBATCH][2048];
    static struct mmsghdr rmsgs[RBATCH];
    static struct iovec riov[RBATCH];
    for (int k = 0; k < RBATCH; k++) {
        riov[k] = (struct iovec){.iov_base = bufs[k], .iov_len = sizeof bufs[k]};
        rmsgs[k].msg_hdr = (struct msghdr){.msg_iov = &riov[k], .msg_iovlen = 1};
    }
    for (;;) {
        int64_t now = now_ns();
        if (now >= g->stop_at) break;
        int timeout_ms = (int)((g->stop_at - now) / 1000000LL) + 1;
        if (timeout_ms > 100) timeout_ms = 100;
        if (g->poll_ns > 0) timeout_ms = 0; /* never block in epoll: a sleeping waiter is woken per packet */
        int n = epoll_wait(ep, events, MAX_EVENTS, timeout_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        if (n == 0 && g->poll_ns > 0) {
            struct timespec nap = {0, g->poll_ns};
            nanosleep(&nap, NULL);
            continue;
        }
        for (int e = 0; e < n; e++) {
            int fd = g->endpoints[events[e].data.u64];
            if (!g->shared) { /* one packet per socket per 20 ms: one recv per wake-up */
                ssize_t size = recv(fd, bufs[0], sizeof bufs[0], 0);
                if (size >= 0) take_packet(g, bufs[0], size, now_ns());
                continue;
            }
            for (;;) { /* a shared socket: drain it in batches */
                int r = recvmmsg(fd, rmsgs, RBATCH, MSG_DONTWAIT, NULL);
                if (r <= 0) break;
                int64_t arrival = now_ns();
                for (int k = 0; k < r; k++) take_packet(g, bufs[k], rmsgs[k].msg_len, arrival);
                if (r < RBATCH) break;
            }
        }
    }
    close(ep);
    return NULL;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank on the sorted array, as rtp_load.py does; microseconds, -1 when empty. */
static double pct_us(const uint32_t *v, long n, double fraction) {
    if (n <= 0) return -1;
    long i = (long)(fraction * (double)(n - 1) + 0.5);
    if (i < 0) i = 0;
    if (i > n - 1) i = n - 1;
    return v[i] / 1000.0;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int gen_main(int argc, char **argv) {
    long streams = 0, direct = 0;
    int shared = 0;
    double duration = 10, warmup = 1, drain = 0.5, tick_us = 0, poll_us = 0;
    const char *pairs_file = NULL, *host = "127.0.0.1", *label = NULL, *srtp_keys = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--shared-sockets")) {
            shared = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "rtp_blast gen: '%s' needs a value (or is unknown)\n", a);
            return 2;
        }
        if (!strcmp(a, "--direct")) direct = atol(argv[++i]);
        else if (!strcmp(a, "--tick-us")) tick_us = arg_double(a, argv[++i]);
        else if (!strcmp(a, "--poll-us")) poll_us = arg_double(a, argv[++i]);
        else if (!strcmp(a, "--pairs")) pairs_file = argv[++i];
        else if (!strcmp(a, "--streams")) streams = atol(argv[++i]);
        else if (!strcmp(a, "--host")) host = argv[++i];
        else if (!strcmp(a, "--label")) label = argv[++i];
        else if (!strcmp(a, "--duration")) duration = arg_double(a, argv[++i]);
        else if (!strcmp(a, "--warmup")) warmup = arg_double(a, argv[++i]);
        else if (!strcmp(a, "--drain")) drain = arg_double(a, argv[++i]);
        else if (!strcmp(a, "--srtp")) srtp_keys = argv[++i];
        else {
            fprintf(stderr, "rtp_blast gen: unknown argument '%s'\n", a);
            return 2;
        }
    }
    if ((direct > 0) == (pairs_file != NULL) || duration <= 0) {
        fprintf(stderr, "rtp_blast gen: give either --direct N or --pairs FILE, and a positive --duration\n");
        return 2;
    }
    int *pa = NULL, *pb = NULL;
    long npairs = 0;
    if (pairs_file) {
        FILE *f = fopen(pairs_file, "r");
        if (!f) die(pairs_file);
        long cap = 1024;
        pa = malloc(cap * sizeof *pa);
        pb = malloc(cap * sizeof *pb);
        char line[256];
        while (fgets(line, sizeof line, f)) {
            char *p = line;
            while (*p == ' ' || *p == '\t') p++;
            if (*p == '#' || *p == '\n' || *p == 0) continue;
            for (char *q = p; *q; q++)
                if (*q == ':') *q = ' ';
            int a, b;
            if (sscanf(p, "%d %d", &a, &b) != 2) {
                fprintf(stderr, "rtp_blast gen: bad line in %s: %s", pairs_file, line);
                return 2;
            }
            if (npairs == cap) {
                cap *= 2;
                pa = realloc(pa, cap * sizeof *pa);
                pb = realloc(pb, cap * sizeof *pb);
            }
            pa[npairs] = a;
            pb[npairs] = b;
            npairs++;
        }
        fclose(f);
        if (streams == 0) streams = 2 * npairs;
        if (streams > 2 * npairs || streams < 2 || streams % 2) {
            fprintf(stderr, "rtp_blast gen: --streams %ld needs an even count and %ld pairs, %s has %ld\n", streams,
                    streams / 2, pairs_file, npairs);
            return 2;
        }
    } else {
        streams = direct;
        if (streams < 2 || streams % 2) {
            fprintf(stderr, "rtp_blast gen: --direct wants an even stream count (two per call)\n");
            return 2;
        }
    }
    raise_nofile(streams + 64);

    struct gen g = {.streams = streams};
    long calls = streams / 2;
    g.shared = shared;
    if (tick_us < 0 || tick_us > 20000 || poll_us < 0 || poll_us > 20000) {
        fprintf(stderr, "rtp_blast gen: --tick-us and --poll-us take 0 .. 20000\n");
        return 2;
    }
    g.tick_ns = (int64_t)(tick_us * 1000);
    g.poll_ns = (int64_t)(poll_us * 1000);
    g.nendpoints = shared ? 2 : 2 * calls;
    g.endpoints = calloc(g.nendpoints, sizeof(int));
    g.senders = calloc(streams, sizeof(int));
    g.targets = calloc(streams, sizeof *g.targets);
    g.sent = calloc(streams, sizeof(uint64_t));
    g.received = calloc(streams, sizeof(uint64_t));
    g.max_index = (long)((warmup + duration) * 1e9 / PTIME_NS) + 4;
    g.seen = calloc((size_t)((streams * g.max_index + 7) / 8), 1);
    g.lag_cap = g.lat_cap = (long)(streams * (duration * 1e9 / PTIME_NS + 4));
    g.lag = malloc(g.lag_cap * sizeof(uint32_t));
    g.lat = malloc(g.lat_cap * sizeof(uint32_t));
    g.buckets = (long)(duration * 1e9 / BUCKET_NS) + 1;
    g.bucket_max = calloc(g.buckets, sizeof(uint32_t));
    if (!g.bucket_max || !g.endpoints || !g.senders || !g.targets || !g.sent || !g.received || !g.seen || !g.lag || !g.lat)
        die("malloc");

    if (srtp_keys) {
#ifdef RTP_BLAST_SRTP
        const char *comma = strchr(srtp_keys, ',');
        if (!comma) {
            fprintf(stderr, "rtp_blast gen: --srtp wants KEY_X,KEY_Y\n");
            return 2;
        }
        unsigned char key_x[30], key_y[30];
        decode_key(srtp_keys, (size_t)(comma - srtp_keys), key_x);
        decode_key(comma + 1, strlen(comma + 1), key_y);
        if (srtp_init() != srtp_err_status_ok) die("srtp_init");
        g.srtp = calloc(streams, sizeof(void *));
        g.sent_at = calloc((size_t)(streams * g.max_index), sizeof(int64_t));
        if (!g.srtp || !g.sent_at) die("malloc");
        for (long i = 0; i < streams; i++) g.srtp[i] = srtp_session(i % 2 ? key_y : key_x);
#else
        fprintf(stderr, "rtp_blast gen: --srtp needs a build with -DRTP_BLAST_SRTP -lsrtp2\n");
        return 2;
#endif
    }

    /* Call k: phone X = endpoints[2k] talks to the relay's A port (pa[k]), phone Y =
       endpoints[2k+1] to its B port (pb[k]). Stream 2k: X -> A ... B -> Y; stream 2k+1:
       Y -> B ... A -> X. Direct: X and Y send to each other. */
    struct sockaddr_in relay = {.sin_family = AF_INET};
    inet_pton(AF_INET, host, &relay.sin_addr);
    for (long i = 0; i < g.nendpoints; i++) {
        g.endpoints[i] = udp_socket("127.0.0.1", 1 << 20);
        if (shared) { /* one socket takes all the calls' packets: a deep queue (root may force it) */
            int big = 64 << 20;
            if (setsockopt(g.endpoints[i], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
                setsockopt(g.endpoints[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
            setsockopt(g.endpoints[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
        }
    }
    unsigned char prime[PACKET_SIZE] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}; /* SSRC not a stream */
    for (long k = 0; k < calls; k++) {
        int x = shared ? g.endpoints[0] : g.endpoints[2 * k], y = shared ? g.endpoints[1] : g.endpoints[2 * k + 1];
        struct sockaddr_in to_a = relay, to_b = relay;
        if (direct) {
            to_a.sin_port = htons(local_port(y));
            to_b.sin_port = htons(local_port(x));
            inet_pton(AF_INET, "127.0.0.1", &to_a.sin_addr);
            inet_pton(AF_INET, "127.0.0.1", &to_b.sin_addr);
        } else {
            to_a.sin_port = htons(pa[k]);
            to_b.sin_port = htons(pb[k]);
            /* Prime both legs, so a latching relay knows both phones before the measurement. */
            for (int p = 0; p < PRIMING_PACKETS; p++) {
                /* Under SRTP each priming packet is protected as its phone's first stream's
                   (an SRTP relay drops what does not authenticate, and latches only on what does). */
                unsigned char px[PACKET_SIZE + 16], py[PACKET_SIZE + 16];
                memcpy(px, prime, PACKET_SIZE);
                memcpy(py, prime, PACKET_SIZE);
                px[3] = py[3] = (unsigned char)p; /* sequence numbers 0, 1, 2 */
                int lx = g.srtp ? protect(&g, 2 * k, px) : PACKET_SIZE;
                int ly = g.srtp ? protect(&g, 2 * k + 1, py) : PACKET_SIZE;
                sendto(x, px, (size_t)lx, 0, (struct sockaddr *)&to_a, sizeof to_a);
                sendto(y, py, (size_t)ly, 0, (struct sockaddr *)&to_b, sizeof to_b);
            }
        }
        /* A phone's socket talks to one address: connected, the kernel keeps its route
           instead of looking it up for every packet (the relay is not affected: it sees the
           same packets from the same ports). */
        if (!shared && (connect(x, (struct sockaddr *)&to_a, sizeof to_a) != 0 ||
                        connect(y, (struct sockaddr *)&to_b, sizeof to_b) != 0))
            die("connect");
        g.senders[2 * k] = x;
        g.targets[2 * k] = to_a;
        g.senders[2 * k + 1] = y;
        g.targets[2 * k + 1] = to_b;
    }
    /* Let the priming land, then drop whatever of it was relayed. */
    struct timespec pause = {0, 200000000};
    nanosleep(&pause, NULL);
    unsigned char junk[2048];
    for (long i = 0; i < g.nendpoints; i++)
        while (recv(g.endpoints[i], junk, sizeof junk, 0) >= 0) {}

    double cpu_before = cpu_seconds();
    g.start = now_ns() + 20000000LL;
    g.measure_from = g.start + (int64_t)(warmup * 1e9);
    g.stop_sending = g.measure_from + (int64_t)(duration * 1e9);
    g.stop_at = g.stop_sending + (int64_t)(drain * 1e9);
    g.step = PTIME_NS / streams > 0 ? PTIME_NS / streams : 1;
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake on time, not up to 50 us late */
    pthread_t st, rt;
    if (pthread_create(&rt, NULL, receiver_thread, &g) || pthread_create(&st, NULL, sender_thread, &g)) die("pthread");
    pthread_join(st, NULL);
    pthread_join(rt, NULL);
    double cpu = cpu_seconds() - cpu_before;
    double wall = (g.stop_at - g.start) / 1e9;

    uint64_t sent = 0, received = 0;
    for (long i = 0; i < streams; i++) {
        sent += g.sent[i];
        received += g.received[i];
    }
    qsort(g.lat, g.lat_count, sizeof(uint32_t), cmp_u32);
    qsort(g.lag, g.lag_count, sizeof(uint32_t), cmp_u32);
    printf("label=%s sockets=%s tick_us=%.0f poll_us=%.0f streams=%ld sent=%llu received=%llu loss_pct=%.4f duplicates=%llu truncated=%llu "
           "send_errors=%llu p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f lag_p99_us=%.1f "
           "lag_max_us=%.1f gen_cpu_pct=%.1f ",
           label ? label : (direct ? "direct" : "relay"), shared ? "shared" : "per-phone", tick_us, poll_us, streams, (unsigned long long)sent,
           (unsigned long long)received, sent ? 100.0 * (double)(sent - received) / (double)sent : -1.0,
           (unsigned long long)g.duplicates, (unsigned long long)g.truncated, (unsigned long long)g.send_errors,
           pct_us(g.lat, g.lat_count, 0.5), pct_us(g.lat, g.lat_count, 0.9), pct_us(g.lat, g.lat_count, 0.99),
           pct_us(g.lat, g.lat_count, 0.999), pct_us(g.lat, g.lat_count, 1.0), pct_us(g.lag, g.lag_count, 0.99),
           pct_us(g.lag, g.lag_count, 1.0), 100.0 * cpu / wall);
    /* The worst latency per 250 ms (ms), same line: steady queueing looks flat, stalls spiky. */
    printf("timeline_max_ms=");
    for (long b = 0; b < g.buckets; b++) printf("%s%.0f", b ? "," : "", g.bucket_max[b] / 1e6);
    printf("\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "gen")) return gen_main(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "relay")) return relay_main(argc - 2, argv + 2);
    fprintf(stderr, "usage: rtp_blast gen (--direct N | --pairs FILE [--streams N] [--host H])\n"
                    "                     [--duration S] [--warmup S] [--drain S] [--label L] [--shared-sockets]\n"
                    "                     [--tick-us T] [--poll-us P]\n"
                    "       rtp_blast relay --calls C --pairs-out FILE [--host H]\n"
                    "(see the comment at the top of rtp_blast.c)\n");
    return 2;
}
