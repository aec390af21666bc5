/* ctl_dir.c - `show directory`: the directory of inside endpoints as text
 * rows, and its filter (format contract: ctl.h and doc/live.md; the JSON
 * row is in ctl_json.c). */
#include "ctl/ctl.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "core/dir.h"

const char *mg_ctl_dir_class(uint8_t cls)
{
	return cls == MG_DIR_DIGITS ? "digits" : "name";
}

bool mg_ctl_match_dir(const struct mg_ctl_filter *f, const struct mg_dir_entry *en)
{
	if (f->proto || f->has_port || f->has_call)
		return false;
	return !f->has_addr ||
	       (f->family == MG_AF_INET && (f->addr.w[0] == en->addr ||
					    (en->pool_addr && f->addr.w[0] == en->pool_addr)));
}

int mg_ctl_fmt_dir(char *buf, size_t n, const struct mg_dir_entry *en, uint64_t now_ms)
{
	char alias[MG_DIR_KEY_LEN], in[INET_ADDRSTRLEN], left[24], pool[INET_ADDRSTRLEN];
	size_t i = 0;
	for (; en->key[i] && i < sizeof(alias) - 1; i++)
		alias[i] = en->key[i] == ' ' ? '_' : en->key[i]; /* one word per column */
	alias[i] = '\0';
	if (inet_ntop(AF_INET, &en->addr, in, sizeof(in)) == NULL)
		snprintf(in, sizeof(in), "?");
	if (en->pool_addr == 0 || inet_ntop(AF_INET, &en->pool_addr, pool, sizeof(pool)) == NULL)
		snprintf(pool, sizeof(pool), "-");
	if (en->expire_ms == UINT64_MAX)
		snprintf(left, sizeof(left), "never");
	else
		snprintf(left, sizeof(left), "%llu",
			 en->expire_ms > now_ms ? (unsigned long long)((en->expire_ms - now_ms + 999) / 1000)
						: 0ull);
	unsigned long long age =
		now_ms > en->created_ms ? (unsigned long long)((now_ms - en->created_ms) / 1000) : 0;
	return snprintf(buf, n, "%-24s %-6s %-12s %15s:%-5u %-6s %6llu %7s %6u %s\n", alias,
			mg_ctl_dir_class(en->cls), mg_ctl_alias_type(en->alias_type), in,
			(unsigned)en->port, mg_dir_origin_name(en->origin), age, left,
			(unsigned)en->hits, pool);
}
