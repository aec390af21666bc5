/* fuzz_ras.c - libFuzzer harness for one H.225.0 RasMessage (a UDP 1719
 * payload) and whatever it embeds (the UUIEs of an IRR's perCallInfo).
 * Checks that the result and the scan agree, that every reported address
 * lies inside the input and that the 6 octets at an IPv4 offset are the
 * decoded address and port, and that the kept aliases stay in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323_scan s;
	static struct mg_ras_aliases al;

	mg_h323_scan_init(&s, data, size);
	enum mg_reason r = mg_ras_scan_aliases(&s, data, size, &al);
	if (r != s.err || (r != MG_R_NONE && s.err_where == NULL))
		abort();
	if (r == MG_R_NONE && s.ras_type == MG_RAS_NONE)
		abort();
	if (s.n_addr > MG_H323_MAX_ADDRS || s.n_ev > MG_H323_MAX_EVENTS || (r == MG_R_NONE && s.depth != 0))
		abort();
	if (al.n > MG_H225_ALIASES)
		abort();
	for (unsigned i = 0; i < al.n; i++)
		if (memchr(al.a[i].s, '\0', sizeof al.a[i].s) == NULL)
			abort();
	for (unsigned i = 0; i < s.n_addr; i++) {
		const struct mg_h323_addr *a = &s.addr[i];
		size_t need = a->family == 6 ? 18 : 6;
		if (a->off > size || size - a->off < need)
			abort();
		if (a->family == 4 && (a->container == MG_C_RAS || a->container == MG_C_UUIE) &&
		    (memcmp(data + a->off, a->ip, 4) != 0 || data[a->off + 4] != (a->port >> 8) ||
		     data[a->off + 5] != (a->port & 0xFF)))
			abort();
	}
	return 0;
}
