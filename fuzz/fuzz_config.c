/* fuzz_config.c - libFuzzer harness for the configuration parser.
 *
 * Input is any byte string, parsed as a configuration text (cut at the first
 * NUL, as a file with a NUL byte is refused before parsing).  Besides memory
 * safety it checks two properties: a failed parse leaves the configuration
 * alone and writes a NUL-terminated message; an accepted one survives a
 * format/parse round trip unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct mg_config *a, const struct mg_config *b)
{
	if (a->n_inside != b->n_inside || a->n_public != b->n_public ||
	    a->n_forward != b->n_forward || a->n_allow != b->n_allow || a->allow_set != b->allow_set ||
	    a->nat != b->nat || a->max_flows != b->max_flows || a->max_bindings != b->max_bindings ||
	    a->max_pinholes != b->max_pinholes || a->max_calls != b->max_calls ||
	    a->max_frags != b->max_frags || a->max_frags_per_src != b->max_frags_per_src ||
	    a->port_lo != b->port_lo || a->port_hi != b->port_hi ||
	    memcmp(&a->to, &b->to, sizeof(a->to)) != 0 || a->alg_h323 != b->alg_h323 ||
	    a->untranslatable != b->untranslatable || a->log_rate != b->log_rate)
		return 0;
	for (unsigned i = 0; i < a->n_inside; i++)
		if (a->inside[i].addr != b->inside[i].addr || a->inside[i].mask != b->inside[i].mask)
			return 0;
	for (unsigned i = 0; i < a->n_public; i++)
		if (a->public_addr[i] != b->public_addr[i])
			return 0;
	for (unsigned i = 0; i < a->n_forward; i++) {
		const struct mg_forward *x = &a->forward[i], *y = &b->forward[i];
		if (x->proto != y->proto || x->pub_addr != y->pub_addr || x->pub_port != y->pub_port ||
		    x->pub_port_hi != y->pub_port_hi || x->to_addr != y->to_addr ||
		    x->to_port != y->to_port)
			return 0;
	}
	for (unsigned i = 0; i < a->n_allow; i++)
		if (a->allow[i].proto != b->allow[i].proto || a->allow[i].lo != b->allow[i].lo ||
		    a->allow[i].hi != b->allow[i].hi)
			return 0;
	if (a->n_alias != b->n_alias || a->max_directory != b->max_directory)
		return 0;
	for (unsigned i = 0; i < a->n_alias; i++) { /* the line number moves */
		const struct mg_alias_cfg *x = &a->alias[i], *y = &b->alias[i];
		if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->addr != y->addr ||
		    x->port != y->port || x->pool != y->pool)
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[MG_CFG_FORMAT_MAX];
	char err[256];
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct mg_config c, before, again;
	mg_config_defaults(&c);
	c.log_rate = 0xdeadbeef; /* not a value the parser can produce */
	before = c;
	if (mg_config_parse_string(&c, text, "fuzz", err, sizeof(err)) != 0) {
		if (!same(&c, &before) || memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
	} else {
		int n = mg_config_format(&c, out, sizeof(out));
		if (n < 0 || (size_t)n >= sizeof(out))
			abort();
		if (mg_config_parse_string(&again, out, "formatted", err, sizeof(err)) != 0)
			abort();
		if (!same(&c, &again))
			abort();
	}
	free(text);
	return 0;
}
