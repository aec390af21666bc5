/* raw.h - packets handed to the kernel to route and send: raw sockets with
 * a caller-built IP header (IPv4 IP_HDRINCL, IPv6 IPPROTO_RAW), marked with
 * SO_MARK.  The NFQUEUE path sends what the engine emits this way (the mark
 * lets its ruleset pass them); the AF_XDP path also hands it the packets
 * whose next hop the kernel must resolve. */
#ifndef MG_RAW_H
#define MG_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mg_raw {
	int fd4, fd6; /* -1: none */
};

/* Open both; IPv6 may be off on the host (then IPv6 sends fail).  0, or -1
 * with a message when there is no IPv4 socket. */
int mg_raw_open(struct mg_raw *r, uint32_t mark, char *err, size_t errlen);
void mg_raw_close(struct mg_raw *r);

/* Send one IP datagram to its destination address.  True if the kernel
 * took all of it. */
bool mg_raw_send(const struct mg_raw *r, const uint8_t *l3, uint32_t len);

#endif
