/* fuzz_h245.c - libFuzzer harness for the H.245 walker.
 *
 * Each input is walked twice: as a MultimediaSystemControlMessage and as a
 * fastStart OpenLogicalChannel.  Besides the sanitizers, the harness checks
 * the walker's contract: findings (addresses, message records) lie inside
 * the input, the depth counter is restored, and a failure is reported
 * consistently.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/h245.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct mg_h323_scan *s, enum mg_reason r, size_t size)
{
	if (r != MG_R_NONE && r != MG_R_ALG_H245_BAD && r != MG_R_ALG_LIMIT)
		__builtin_trap();
	if (r != s->err || (r != MG_R_NONE && s->err_where == NULL))
		__builtin_trap();
	if (s->depth != 0 || s->n_addr > MG_H323_MAX_ADDRS || s->n_ev > MG_H323_MAX_EVENTS)
		__builtin_trap();
	for (unsigned i = 0; i < s->n_addr; i++) {
		const struct mg_h323_addr *a = &s->addr[i];
		size_t span = a->family == 4 ? 6 : 18;
		if ((a->family != 4 && a->family != 6) || a->off > size || span > size - a->off)
			__builtin_trap();
		if (a->family == 4 && (memcmp(a->ip, s->top + a->off, 4) != 0 ||
				       a->port != ((s->top[a->off + 4] << 8) | s->top[a->off + 5])))
			__builtin_trap();
	}
	if (s->n_h245_msg > MG_H323_MAX_H245_MSGS + 1)
		__builtin_trap();
	for (unsigned i = 0; i < s->n_h245_msg && i < MG_H323_MAX_H245_MSGS; i++)
		if (s->h245_msg[i].off > size || s->h245_msg[i].len > size - s->h245_msg[i].off)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323_scan s;
	for (int olc = 0; olc < 2; olc++) {
		mg_h323_scan_init(&s, data, size);
		enum mg_reason r = olc ? mg_h245_scan_olc(&s, data, size, MG_C_FASTSTART)
				       : mg_h245_scan_msg(&s, data, size, MG_C_H245);
		check(&s, r, size);
	}
	return 0;
}
