/* fuzz_h225_alias.c - libFuzzer harness for the alias decoder of a Setup
 * (proto/h225_alias.c), one Q.931 message.  Checks the bounds of what it
 * keeps: at most MG_H225_ALIASES per list, each a terminated string of
 * printable characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/h225.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_h323_scan scratch;
	struct mg_h225_aliases al;

	if (size > UINT32_MAX)
		return 0;
	mg_h225_setup_aliases(data, (uint32_t)size, &scratch, &al);
	for (int p = 0; p < 2; p++) {
		if (al.n[p] > MG_H225_ALIASES)
			abort();
		for (unsigned i = 0; i < al.n[p]; i++) {
			const struct mg_h225_alias *a = &al.a[p][i];
			if (memchr(a->s, '\0', sizeof(a->s)) == NULL)
				abort();
			for (const char *q = a->s; *q; q++)
				if (*q < 0x20 || *q > 0x7e)
					abort();
		}
	}
	return 0;
}
