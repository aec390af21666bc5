/* pcap.c - capture reader and LINKTYPE_RAW writer on top of libpcap.
 *
 * Times: libpcap gives microseconds (nanosecond files are scaled by it);
 * meetgate works in milliseconds, truncated.  Times before the epoch read
 * as 0 so the engine's clock never runs backwards from a negative value.
 */
#include "io/pcap.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mg_pcap_reader {
	pcap_t *p;
	int dlt;
	struct mg_pcap_counts c;
	char path[];
};

struct mg_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *d;
	uint64_t written;
	char path[];
};

const char *mg_pcap_dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "unknown";
}

struct mg_pcap_reader *mg_pcap_open(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	size_t plen = strlen(path) + 1;
	struct mg_pcap_reader *r = calloc(1, sizeof(*r) + plen);

	if (r == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	memcpy(r->path, path, plen);
	perr[0] = '\0';
	r->p = pcap_open_offline(path, perr);
	if (r->p == NULL) {
		/* libpcap names the file itself in some messages, not in others */
		if (perr[0] != '\0' && strstr(perr, path) != NULL)
			snprintf(err, errlen, "%s", perr);
		else
			snprintf(err, errlen, "%s: %s", path, perr[0] ? perr : "cannot open");
		goto free_reader;
	}
	r->dlt = pcap_datalink(r->p);
	if (!mg_pcap_link_supported(r->dlt)) {
		snprintf(err, errlen,
			 "%s: unsupported link type %s (%d); meetgate reads EN10MB, LINUX_SLL, "
			 "LINUX_SLL2, RAW, IPV4 and IPV6 captures",
			 path, mg_pcap_dlt_name(r->dlt), r->dlt);
		goto close_pcap;
	}
	return r;

close_pcap:
	pcap_close(r->p);
free_reader:
	free(r);
	return NULL;
}

static uint64_t ts_ms(const struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0)
		return 0;
	return (uint64_t)tv->tv_sec * 1000u + (uint64_t)tv->tv_usec / 1000u;
}

int mg_pcap_next(struct mg_pcap_reader *r, uint8_t *buf, size_t cap, struct mg_pcap_rec *rec,
		 char *err, size_t errlen)
{
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		struct mg_pcap_frame f;
		int rc = pcap_next_ex(r->p, &h, &data);

		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			snprintf(err, errlen, "%s: after record %llu: %s", r->path,
				 (unsigned long long)r->c.records, pcap_geterr(r->p));
			return -1;
		}
		r->c.records++;
		if (h->caplen < h->len) {
			r->c.truncated++;
			continue;
		}
		if (mg_pcap_link_decode(r->dlt, data, h->caplen, &f) != 0) {
			r->c.malformed++;
			continue;
		}
		if (f.family == 0) {
			r->c.non_ip++;
			continue;
		}
		if (f.l3len > cap || f.l3len > MG_PCAP_MAX_L3) {
			r->c.malformed++;
			continue;
		}
		memcpy(buf, data + f.l3off, f.l3len);
		if (f.family == 4)
			r->c.ipv4++;
		else
			r->c.ipv6++;
		rec->ts_ms = ts_ms(&h->ts);
		rec->ts_us = h->ts.tv_sec < 0 || h->ts.tv_usec < 0
				     ? 0
				     : (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		rec->l3 = buf;
		rec->len = f.l3len;
		rec->family = f.family;
		rec->has_mac = f.has_mac;
		memcpy(rec->src_mac, f.src_mac, sizeof(rec->src_mac));
		rec->index = r->c.records;
		return 1;
	}
}

const struct mg_pcap_counts *mg_pcap_counts(const struct mg_pcap_reader *r)
{
	return &r->c;
}

int mg_pcap_dlt(const struct mg_pcap_reader *r)
{
	return r->dlt;
}

void mg_pcap_close(struct mg_pcap_reader *r)
{
	if (r == NULL)
		return;
	pcap_close(r->p);
	free(r);
}

struct mg_pcap_writer *mg_pcap_create(const char *path, char *err, size_t errlen)
{
	size_t plen = strlen(path) + 1;
	struct mg_pcap_writer *w = calloc(1, sizeof(*w) + plen);

	if (w == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	memcpy(w->path, path, plen);
	w->dead = pcap_open_dead(DLT_RAW, (int)MG_PCAP_MAX_L3);
	if (w->dead == NULL) {
		snprintf(err, errlen, "%s: cannot set up a raw-IP capture", path);
		goto free_writer;
	}
	w->d = pcap_dump_open(w->dead, path);
	if (w->d == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(w->dead));
		goto close_dead;
	}
	return w;

close_dead:
	pcap_close(w->dead);
free_writer:
	free(w);
	return NULL;
}

int mg_pcap_write(struct mg_pcap_writer *w, const uint8_t *l3, uint32_t len, uint64_t ts)
{
	return mg_pcap_write_us(w, l3, len, ts * 1000u);
}

int mg_pcap_write_us(struct mg_pcap_writer *w, const uint8_t *l3, uint32_t len, uint64_t ts)
{
	struct pcap_pkthdr h;

	if (len > MG_PCAP_MAX_L3)
		return -1;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts / 1000000u);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000u);
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)w->d, &h, l3);
	w->written++;
	return 0;
}

uint64_t mg_pcap_written(const struct mg_pcap_writer *w)
{
	return w->written;
}

int mg_pcap_finish(struct mg_pcap_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	errno = 0;
	if (pcap_dump_flush(w->d) != 0 || ferror(pcap_dump_file(w->d))) {
		snprintf(err, errlen, "%s: write failed: %s", w->path,
			 errno ? strerror(errno) : "I/O error");
		rc = -1;
	}
	/* pcap_dump_close reports nothing; an fclose failure after a good flush
	 * means the data already reached the kernel. */
	pcap_dump_close(w->d);
	pcap_close(w->dead);
	free(w);
	return rc;
}
