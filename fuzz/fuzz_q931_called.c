/* fuzz_q931_called.c - libFuzzer harness for the Called party number reader
 * (mg_q931_called_number in proto/q931.c), one Q.931 message.  Checks what
 * it returns: a refusal leaves the buffer empty, a number is 1 or more of
 * 0-9 * # that fits the buffer, and a smaller buffer gives the same number
 * or a refusal, never a cut one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/q931.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		abort(); /* not terminated inside the buffer */
	if (!ok && n != 0)
		abort();
	if (ok && (n == 0 || strspn(s, "0123456789*#") != n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char big[256], small[8];

	if (size > UINT32_MAX)
		return 0;
	bool ok_big = mg_q931_called_number(data, (uint32_t)size, big, sizeof big);
	bool ok_small = mg_q931_called_number(data, (uint32_t)size, small, sizeof small);
	check(ok_big, big, sizeof big);
	check(ok_small, small, sizeof small);
	if (ok_small && (!ok_big || strcmp(small, big) != 0))
		abort();
	if (ok_big && strlen(big) < sizeof small && !ok_small)
		abort();
	if (mg_q931_called_number(data, (uint32_t)size, small, 0))
		abort();
	return 0;
}
