/* pcap.h - capture files in and out: IP datagrams with millisecond times.
 *
 * Reading hands out the L3 datagram of each record (link header removed,
 * trailing link padding cut) copied into a caller buffer the engine may
 * rewrite in place.  Supported link types: Ethernet (with at most one
 * 802.1Q / 802.1ad tag), Linux cooked v1 and v2, and raw IP (DLT_RAW 12/14,
 * LINKTYPE_RAW 101, LINKTYPE_IPV4 228, LINKTYPE_IPV6 229).  Any other link
 * type is refused at open time with a message naming it.  Records that are
 * not IP (ARP, LLDP, ...) and records cut short by the snap length
 * (caplen < len) are skipped and counted, never handed out.
 *
 * Writing produces LINKTYPE_RAW files (raw IPv4/IPv6, no link header).
 *
 * The link decoder and the IPv4 retargeting helpers are separate pure
 * functions so tests and the replay driver can use them without files.
 */
#ifndef MG_PCAP_H
#define MG_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest datagram the reader hands out; longer ones are counted as
 * malformed.  Callers size their buffers with it. */
#define MG_PCAP_MAX_L3 262144u

/* ---- link layer (pcap_link.c) ---- */

struct mg_pcap_frame {
	uint32_t l3off;     /* offset of the IP header in the frame */
	uint32_t l3len;     /* bytes of the datagram (link padding cut) */
	uint8_t family;     /* 4 or 6; 0 = not an IP frame */
	bool has_mac;       /* src_mac holds the link source address */
	uint8_t src_mac[6];
};

/* Is `dlt` (as pcap_datalink() reports it) one the reader accepts? */
bool mg_pcap_link_supported(int dlt);

/* Decode one captured frame of `caplen` bytes.  Returns 0 and fills `f`
 * (f->family == 0 for a well-formed non-IP frame), or -1 if the frame is too
 * short for its own link header or announces IP but holds no IP header. */
int mg_pcap_link_decode(int dlt, const uint8_t *frame, uint32_t caplen, struct mg_pcap_frame *f);

/* ---- reader (pcap.c) ---- */

struct mg_pcap_counts {
	uint64_t records;   /* records in the file read so far */
	uint64_t ipv4, ipv6; /* handed out */
	uint64_t non_ip;    /* skipped: not IPv4/IPv6 */
	uint64_t truncated; /* skipped: caplen < len */
	uint64_t malformed; /* skipped: link header short, no IP header, too long */
};

struct mg_pcap_rec {
	uint64_t ts_ms;     /* record time, milliseconds since the epoch */
	uint64_t ts_us;     /* the same in microseconds (orders packets within a ms) */
	uint8_t *l3;        /* == the caller's buffer */
	uint32_t len;
	uint8_t family;     /* 4 or 6 */
	bool has_mac;
	uint8_t src_mac[6];
	uint64_t index;     /* 1-based record number in the file (as tcpdump counts) */
};

struct mg_pcap_reader;

/* Open a capture for reading.  NULL with "PATH: reason" in err on failure
 * (missing file, not a capture, unsupported link type "NAME (N)"). */
struct mg_pcap_reader *mg_pcap_open(const char *path, char *err, size_t errlen);

/* Next IP datagram, copied into buf[cap].  Returns 1 with `rec` filled,
 * 0 at end of file, -1 with a message in err on a read error (a file cut
 * in the middle of a record). */
int mg_pcap_next(struct mg_pcap_reader *r, uint8_t *buf, size_t cap, struct mg_pcap_rec *rec,
		 char *err, size_t errlen);

const struct mg_pcap_counts *mg_pcap_counts(const struct mg_pcap_reader *r);
int mg_pcap_dlt(const struct mg_pcap_reader *r);
/* Short libpcap name of the link type ("EN10MB", "LINUX_SLL2", "RAW"). */
const char *mg_pcap_dlt_name(int dlt);
void mg_pcap_close(struct mg_pcap_reader *r);

/* ---- writer (pcap.c) ---- */

struct mg_pcap_writer;

/* Create (truncate) a LINKTYPE_RAW capture.  NULL with a message on error. */
struct mg_pcap_writer *mg_pcap_create(const char *path, char *err, size_t errlen);
/* Append one datagram stamped ts_ms.  len must not exceed MG_PCAP_MAX_L3. */
int mg_pcap_write(struct mg_pcap_writer *w, const uint8_t *l3, uint32_t len, uint64_t ts_ms);
/* The same with a timestamp in microseconds. */
int mg_pcap_write_us(struct mg_pcap_writer *w, const uint8_t *l3, uint32_t len, uint64_t ts_us);
uint64_t mg_pcap_written(const struct mg_pcap_writer *w);
/* Flush and close; returns -1 with a message if anything failed to reach
 * the file.  Frees w either way. */
int mg_pcap_finish(struct mg_pcap_writer *w, char *err, size_t errlen);

/* ---- IPv4 addressing view and destination rewrite (pcap_retarget.c) ---- */

struct mg_pcap_v4 {
	uint32_t src, dst;  /* network order */
	uint8_t proto;
	bool later_frag;    /* fragment offset > 0: no L4 header here */
	bool has_ports;     /* TCP/UDP header with its checksum field present */
	uint16_t sport, dport; /* host order, valid when has_ports */
	uint16_t l4off;     /* offset of the L4 header */
};

/* Read the addressing of an IPv4 datagram.  Returns 0, or -1 if l3 does not
 * start with a plausible IPv4 header (version, IHL within len). */
int mg_pcap_v4_peek(const uint8_t *l3, uint32_t len, struct mg_pcap_v4 *v);

/* Rewrite the destination address (network order) and, when v->has_ports,
 * the destination port (host order) of the datagram `v` describes.  Fixes
 * the IPv4 header checksum and the TCP/UDP checksum incrementally (a UDP
 * checksum of zero, "none", stays zero).  Returns true if a byte changed. */
bool mg_pcap_v4_retarget(uint8_t *l3, uint32_t len, const struct mg_pcap_v4 *v, uint32_t new_dst,
			 uint16_t new_dport);

#endif
