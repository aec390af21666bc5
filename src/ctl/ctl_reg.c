/* ctl_reg.c - `show registrations`: the RAS registrations of inside
 * endpoints as text rows, and their filter (format contract: ctl.h and
 * doc/live.md; the JSON row is in ctl_json.c). */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool mg_ctl_match_reg(const struct mg_ctl_filter *f, const struct mg_reg_info *ri)
{
	if (f->proto || f->has_port || f->has_call)
		return false;
	return !f->has_addr || (f->family == MG_AF_INET && (f->addr.w[0] == ri->in_addr ||
							    f->addr.w[0] == ri->pub_addr || f->addr.w[0] == ri->gk));
}

static void v4(uint32_t a, char out[INET_ADDRSTRLEN])
{
	if (inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN) == NULL)
		snprintf(out, INET_ADDRSTRLEN, "?");
}

int mg_ctl_fmt_reg(char *buf, size_t n, const struct mg_reg_info *ri)
{
	char in[INET_ADDRSTRLEN], pub[INET_ADDRSTRLEN], gk[INET_ADDRSTRLEN];
	char al[MG_REG_ALIASES * 48 + 8];
	size_t k = 0;
	v4(ri->in_addr, in);
	v4(ri->pub_addr, pub);
	v4(ri->gk, gk);
	for (unsigned i = 0; i < ri->n_alias && i < MG_REG_ALIASES; i++) {
		if (i > 0 && k < sizeof(al) - 1)
			al[k++] = ',';
		for (const char *c = ri->alias[i]; *c && k < sizeof(al) - 1; c++)
			al[k++] = *c == ' ' ? '_' : *c; /* one word per column */
	}
	if (k == 0)
		al[k++] = '-';
	al[k] = '\0';
	return snprintf(buf, n, "%15s:%-5u %15s:%-5u %15s %7u %s\n", in, (unsigned)ri->in_port, pub,
			(unsigned)ri->pub_port, gk, (unsigned)ri->left_s, al);
}
