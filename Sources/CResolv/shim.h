#ifndef VPBX_CRESOLV_SHIM_H
#define VPBX_CRESOLV_SHIM_H

// DNS questions through glibc's resolver library (libresolv), for the record types
// getaddrinfo does not ask: SRV (RFC 2782, RFC 3263). Swift reaches neither the resolver's
// state (a struct of unions) nor the parser's macros, so these few functions wrap them.

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

// Asks `name` of record `type` (ns_t_srv, ns_t_a); the answer lands in `answer`. The
// servers are the system's (/etc/resolv.conf), or only `server` (an IPv4 address) at
// `port` when it is not NULL. Returns the answer's length, or -1 with `*rcode` set: the
// server's response code (3 = NXDOMAIN) or -1 when no server answered.
static inline int vpbx_dns_query(const char *name, int type, const char *server, int port,
                                 unsigned char *answer, int length, int *rcode) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    *rcode = -1;
    if (res_ninit(&state) != 0) return -1;
    if (server != NULL) {
        struct sockaddr_in address;
        memset(&address, 0, sizeof address);
        address.sin_family = AF_INET;
        address.sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, server, &address.sin_addr) != 1) {
            res_nclose(&state);
            return -1;
        }
        state.nsaddr_list[0] = address;
        state.nscount = 1;
    }
    // Two tries, two seconds each: the lookups run off the core's thread, but a trunk's
    // first call waits for them.
    state.retry = 2;
    state.retrans = 2;
    int count = res_nquery(&state, name, ns_c_in, type, answer, length);
    if (count < 0 && state.res_h_errno == HOST_NOT_FOUND) *rcode = ns_r_nxdomain;
    else if (count < 0 && state.res_h_errno == NO_DATA) *rcode = ns_r_noerror;
    res_nclose(&state);
    return count;
}

// The number of records in the answer section of `message`, or -1 if it does not parse.
static inline int vpbx_dns_answer_count(const unsigned char *message, int length) {
    ns_msg parsed;
    if (ns_initparse(message, length, &parsed) != 0) return -1;
    return ns_msg_count(parsed, ns_s_an);
}

// Record `index` of the answer section when it is an SRV record: its fields, and its target
// name in `target` (`targetLength` bytes at most). 0 on success, -1 otherwise.
static inline int vpbx_dns_srv_at(const unsigned char *message, int length, int index,
                                  unsigned short *priority, unsigned short *weight,
                                  unsigned short *port, char *target, int targetLength) {
    ns_msg parsed;
    ns_rr record;
    if (ns_initparse(message, length, &parsed) != 0) return -1;
    if (ns_parserr(&parsed, ns_s_an, index, &record) != 0) return -1;
    if (ns_rr_type(record) != ns_t_srv || ns_rr_rdlen(record) < 7) return -1;
    const unsigned char *data = ns_rr_rdata(record);
    *priority = ns_get16(data);
    *weight = ns_get16(data + 2);
    *port = ns_get16(data + 4);
    if (dn_expand(ns_msg_base(parsed), ns_msg_end(parsed), data + 6, target, targetLength) < 0) return -1;
    return 0;
}

// Record `index` of the answer section when it is an A record: its address as text in
// `address` (at least INET_ADDRSTRLEN bytes). 0 on success, -1 otherwise.
static inline int vpbx_dns_a_at(const unsigned char *message, int length, int index, char *address,
                                int addressLength) {
    ns_msg parsed;
    ns_rr record;
    if (ns_initparse(message, length, &parsed) != 0) return -1;
    if (ns_parserr(&parsed, ns_s_an, index, &record) != 0) return -1;
    if (ns_rr_type(record) != ns_t_a || ns_rr_rdlen(record) != 4) return -1;
    return inet_ntop(AF_INET, ns_rr_rdata(record), address, (socklen_t)addressLength) ? 0 : -1;
}

#endif
