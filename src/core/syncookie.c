/* syncookie.c - see syncookie.h. */
#include <string.h>

#include "core/syncookie.h"

/* MSS values a cookie can say, ascending: what common stacks announce on
 * Ethernet, PPPoE, tunnels and IPv4's minimum. */
static const uint16_t mss_tab[8] = {536, 1200, 1220, 1360, 1380, 1400, 1440, 1460};

static unsigned mss_index(uint16_t mss)
{
	unsigned i = 0;
	while (i + 1 < 8 && mss_tab[i + 1] <= mss)
		i++;
	return i;
}

uint16_t mg_cookie_mss(uint16_t mss)
{
	return mss_tab[mss_index(mss ? mss : 536)];
}

static uint32_t hash28(const struct mg_sipkey *key, const struct mg_cookie_in *in, uint64_t counter)
{
	uint8_t b[24];
	memcpy(b, &in->saddr, 4);
	memcpy(b + 4, &in->daddr, 4);
	memcpy(b + 8, &in->sport, 2);
	memcpy(b + 10, &in->dport, 2);
	memcpy(b + 12, &in->isn, 4);
	memcpy(b + 16, &counter, 8);
	return (uint32_t)mg_siphash(key, b, sizeof(b)) & 0xfffffff0u;
}

uint32_t mg_cookie_make(const struct mg_sipkey *key, const struct mg_cookie_in *in, uint16_t mss,
			uint64_t now_ms)
{
	uint64_t t = now_ms / MG_COOKIE_PERIOD_MS;
	return hash28(key, in, t) | (uint32_t)(t & 1) << 3 | mss_index(mss ? mss : 536);
}

bool mg_cookie_check(const struct mg_sipkey *key, const struct mg_cookie_in *in, uint32_t cookie,
		     uint64_t now_ms, uint16_t *mss)
{
	uint64_t t = now_ms / MG_COOKIE_PERIOD_MS;
	if (((cookie >> 3) & 1) != (t & 1)) {
		if (t == 0)
			return false;
		t--; /* made in the period before */
	}
	if (hash28(key, in, t) != (cookie & 0xfffffff0u))
		return false;
	*mss = mss_tab[cookie & 7];
	return true;
}
