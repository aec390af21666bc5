/* fuzz_h323_alias.c - libFuzzer harness for the aliases the H.323 ALG
 * keeps of a Setup (one Q.931 message).  Checks the bounds of what it keeps:
 * at most MG_CALL_ALIASES per party, each a terminated string of printable
 * characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alg/h323_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323 h;
	static struct h323_call c;

	if (size > UINT32_MAX)
		return 0;
	memset(&c, 0, sizeof(c));
	mg_h323_aliases(&h, &c, data, (uint32_t)size);
	for (int p = 0; p < 2; p++) {
		if (c.n_alias[p] > MG_CALL_ALIASES)
			abort();
		for (unsigned i = 0; i < c.n_alias[p]; i++) {
			const struct mg_call_alias *a = &c.alias[p][i];
			if (memchr(a->s, '\0', sizeof(a->s)) == NULL)
				abort();
			for (const char *q = a->s; *q; q++)
				if (*q < 0x20 || *q > 0x7e)
					abort();
		}
	}
	return 0;
}
