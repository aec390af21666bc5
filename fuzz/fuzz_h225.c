/* fuzz_h225.c - libFuzzer harness for one H323-UserInformation (the UUIE
 * without its Q.931 wrapping) and the embedded H.245 below it.  Checks that
 * every reported address lies inside the input and that the 6 octets at an
 * IPv4 offset are the decoded address and port. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/h225.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323_scan s;

	mg_h323_scan_init(&s, data, size);
	enum mg_reason r = mg_h225_scan_uuie(&s, data, size);
	if (r != s.err || (r != MG_R_NONE && s.err_where == NULL))
		abort();
	if (s.n_addr > MG_H323_MAX_ADDRS || s.n_ev > MG_H323_MAX_EVENTS)
		abort();
	for (unsigned i = 0; i < s.n_addr; i++) {
		const struct mg_h323_addr *a = &s.addr[i];
		size_t need = a->family == 6 ? 18 : 6;
		if (a->off > size || size - a->off < need)
			abort();
		if (a->family == 4 && a->container == 0 &&
		    (memcmp(data + a->off, a->ip, 4) != 0 ||
		     data[a->off + 4] != (a->port >> 8) || data[a->off + 5] != (a->port & 0xFF)))
			abort();
	}
	return 0;
}
