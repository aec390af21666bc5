/* fuzz_q931.c - libFuzzer harness for one Q.931 message (a TPKT payload)
 * and everything walked below it (H.225.0 UUIE, embedded H.245).  Checks
 * that every reported address and H.245 message lies inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "proto/q931.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323_scan s;

	mg_h323_scan_init(&s, data, size);
	enum mg_reason r = mg_q931_scan(&s, data, size);
	if (r != s.err || (r != MG_R_NONE && s.err_where == NULL))
		abort();
	if (s.n_addr > MG_H323_MAX_ADDRS || s.n_ev > MG_H323_MAX_EVENTS)
		abort();
	for (unsigned i = 0; i < s.n_addr; i++) {
		size_t need = s.addr[i].family == 6 ? 18 : 6;
		if (s.addr[i].off > size || size - s.addr[i].off < need)
			abort();
	}
	for (unsigned i = 0; i < s.n_h245_msg && i < MG_H323_MAX_H245_MSGS; i++)
		if (s.h245_msg[i].off > size || s.h245_msg[i].len > size - s.h245_msg[i].off)
			abort();
	return 0;
}
