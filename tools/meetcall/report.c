/* report.c - per-call lines, totals and the JSON report. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "meetcall/mc.h"
#include "proto/q931_build.h"

static const char *h245_mode(const struct mg_mc_call *c)
{
	if (!c->h245_used)
		return "none";
	return c->tunnel_used ? "tunnel" : "separate";
}

static long setup_ms(const struct mg_mc_call *c)
{
	if (c->role != MG_MC_CALLER || c->t_connect == 0 || c->t_setup == 0)
		return -1;
	return (long)(c->t_connect - c->t_setup);
}

/* Caller: Setup sent -> ReleaseComplete received. */
static long release_ms(const struct mg_mc_call *c)
{
	if (c->role != MG_MC_CALLER || c->t_release == 0 || c->t_setup == 0)
		return -1;
	return (long)(c->t_release - c->t_setup);
}

/* The destinationAddress aliases of the call's Setup: as received
 * (callee), as sent (caller). */
static unsigned dest_alias_list(const struct mg_mc_call *c, const char **out)
{
	if (c->role == MG_MC_CALLER) {
		if (c->call_back || c->o->alias == NULL)
			return 0;
		out[0] = c->o->alias;
		return 1;
	}
	for (unsigned i = 0; i < c->n_dest_alias; i++)
		out[i] = c->dest_alias[i];
	return c->n_dest_alias;
}

const char *mg_mc_field_name(uint8_t field)
{
	switch (field) {
	case MG_F_H245_ADDRESS:
		return "h245Address";
	case MG_F_SRC_CALLSIG:
		return "sourceCallSignalAddress";
	case MG_F_DEST_CALLSIG:
		return "destCallSignalAddress";
	case MG_F_ALT_ADDRESS:
		return "alternativeAddress";
	case MG_F_MEDIA:
		return "mediaChannel";
	case MG_F_MEDIA_CTRL:
		return "mediaControlChannel";
	case MG_F_T120:
		return "t120";
	case MG_F_MC_SIGNAL:
		return "mcSignalAddress";
	default:
		return "other";
	}
}

static void name_of(const struct mg_mc_call *c, char *out, size_t cap)
{
	if (c->call_back) {
		char t[32];
		mg_mc_addr_str(&c->target, t, sizeof t);
		snprintf(out, cap, "call-back %u to %s", c->num, t);
	} else {
		snprintf(out, cap, "call %u", c->num);
	}
}

void mg_mc_report_line(const struct mg_mc_call *c)
{
	const struct mg_mc_media *m = &c->media;
	char peer[32] = "-";
	if (m->have_rtp)
		mg_mc_addr_str(&m->peer_rtp, peer, sizeof peer);
	char setup[24] = "-";
	if (setup_ms(c) >= 0)
		snprintf(setup, sizeof setup, "%ld ms", setup_ms(c));
	char name[64];
	name_of(c, name, sizeof name);
	const char *da[MG_H225_ALIASES];
	unsigned nda = dest_alias_list(c, da);
	if (c->refused && !c->failed) {
		printf("%s refused: destination aliases", name);
		for (unsigned i = 0; i < nda; i++)
			printf("%s%s", i ? "," : " ", da[i]);
		printf(" are none of ours: ReleaseComplete cause 1 (%s)\n", mg_q931_cause_name(1));
		return;
	}
	if (mg_mc_call_ok(c) && c->release_expected) {
		char why[96];
		mg_mc_release_str(c, why, sizeof why);
		printf("%s ok: released as expected: %s, %ld ms after Setup\n", name, why, release_ms(c));
		return;
	}
	printf("%s %s: setup %s, rtp sent %u recv %u of ~%u, rtcp sent %u recv %u, "
	       "media from negotiated %s %s, faststart %s, h245 %s",
	       name, mg_mc_call_ok(c) ? "ok" : "FAIL", setup, m->rtp_tx, m->rtp_rx,
	       mg_mc_media_expected(m), m->rtcp_tx, m->rtcp_rx, peer,
	       m->rtp_rx > 0 && m->rtp_rx_other == 0 ? "yes" : "no", c->fs_used ? "yes" : "no", h245_mode(c));
	if (m->rtp_rx_other > 0) {
		char bad[32];
		mg_mc_addr_str(&m->bad_source, bad, sizeof bad);
		printf(", %u packets from elsewhere (first %s)", m->rtp_rx_other, bad);
	}
	if (c->have_setup_src) {
		char a[32];
		mg_mc_addr_str(&c->setup_src, a, sizeof a);
		printf(", setup source %s", a);
	}
	if (c->role == MG_MC_CALLEE && nda > 0) {
		printf(", dest aliases");
		for (unsigned i = 0; i < nda; i++)
			printf("%s%s", i ? "," : " ", da[i]);
	}
	if (c->role == MG_MC_CALLER && c->release_seen && release_ms(c) >= 0) {
		printf(", ReleaseComplete %ld ms after Setup", release_ms(c));
	}
	if (c->n_peer_addr > 0) {
		printf(", peer addresses");
		for (unsigned i = 0; i < c->n_peer_addr; i++) {
			char a[32];
			mg_mc_addr_str(&c->peer_addr[i].a, a, sizeof a);
			printf(" %s=%s", mg_mc_field_name(c->peer_addr[i].field), a);
		}
	}
	if (c->admitted || c->acf_addr.port != 0) {
		char a[32];
		mg_mc_addr_str(&c->acf_addr, a, sizeof a);
		printf(", admission ACF %s %s", c->acf_routed ? "gatekeeperRouted" : "direct", a);
	}
	if (c->failed)
		printf(", error: %s", c->err);
	printf("\n");
}

/* The gatekeeper's answer to the call's ARQ: "ACF", "ARJ", "none" (no
 * answer), or NULL without --gk. */
static const char *admission(const struct mg_mc_call *c)
{
	if (!c->o->gk || c->call_back)
		return NULL;
	if (c->acf_addr.port != 0)
		return "ACF";
	return c->arj ? "ARJ" : "none";
}

void mg_mc_totals_add(struct mg_mc_totals *t, const struct mg_mc_call *c)
{
	long s = setup_ms(c);
	if (c->refused && !c->failed) {
		t->refused++;
		return;
	}
	t->calls++;
	if (!c->call_back)
		t->answered++;
	if (mg_mc_call_ok(c))
		t->ok++;
	else
		t->failed++;
	if (s >= 0) {
		t->setup_sum += (uint64_t)s;
		t->setup_n++;
		if ((uint64_t)s > t->setup_max)
			t->setup_max = (uint64_t)s;
	}
	t->rtp_tx += c->media.rtp_tx;
	t->rtp_rx += c->media.rtp_rx;
}

void mg_mc_totals_print(const struct mg_mc_totals *t, const struct mg_mc_opts *o)
{
	printf("total: %u calls, %u ok, %u failed; setup avg %llu ms max %llu ms; rtp sent %llu recv %llu", t->calls,
	       t->ok, t->failed, (unsigned long long)(t->setup_n ? t->setup_sum / t->setup_n : 0),
	       (unsigned long long)t->setup_max, (unsigned long long)t->rtp_tx, (unsigned long long)t->rtp_rx);
	if (t->refused > 0)
		printf("; %u refused", t->refused);
	printf("\n");
	if (o->gk) {
		const struct mg_mc_ras_state *r = mg_mc_ras_state();
		printf("ras: %s as %s, ttl %u s, %u keep-alives, %u admissions, %u rejected, %u disengages, %s\n",
		       r->ep_id[0] ? "registered" : "not registered", r->ep_id[0] ? r->ep_id : "-", r->ttl,
		       r->keepalives, r->admissions, r->rejects, r->disengages,
		       r->unregistered ? "unregistered" : "not unregistered");
	}
}

/* The JSON report is built in memory and written when the run ends; the
 * file is opened at the start so that a bad path fails before any call. */
struct json_out {
	bool gk;
	FILE *f;
	json_object *doc, *calls;
};

static void put_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

static void put_uint(json_object *o, const char *key, unsigned v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void put_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

void *mg_mc_json_open(const char *path, const struct mg_mc_opts *o)
{
	static struct json_out j;
	if (path == NULL)
		return NULL;
	j.f = fopen(path, "w");
	if (j.f == NULL) {
		fprintf(stderr, "meetcall: cannot write report '%s'\n", path);
		return NULL;
	}
	j.doc = json_object_new_object();
	j.calls = json_object_new_array();
	if (j.doc == NULL || j.calls == NULL) {
		fprintf(stderr, "meetcall: report '%s': out of memory\n", path);
		json_object_put(j.doc);
		json_object_put(j.calls);
		fclose(j.f);
		return NULL;
	}
	j.gk = o->gk;
	put_str(j.doc, "mode", o->listen ? "listen" : "call");
	put_bool(j.doc, "faststart", o->faststart);
	put_bool(j.doc, "tunnel", o->tunnel);
	put_bool(j.doc, "split_tpkt", o->split);
	json_object_object_add(j.doc, "calls", j.calls);
	return &j;
}

void mg_mc_json_call(void *p, const struct mg_mc_call *c)
{
	struct json_out *j = p;
	const struct mg_mc_media *m = &c->media;
	char a[32];
	if (j == NULL)
		return;
	json_object *o = json_object_new_object();
	if (o == NULL)
		return;
	put_uint(o, "call", c->num);
	put_bool(o, "ok", mg_mc_call_ok(c));
	long s = setup_ms(c);
	json_object_object_add(o, "setup_ms", s >= 0 ? json_object_new_int64(s) : NULL);
	put_uint(o, "rtp_sent", m->rtp_tx);
	put_uint(o, "rtp_received", m->rtp_rx);
	put_uint(o, "rtp_expected", mg_mc_media_expected(m));
	put_uint(o, "rtp_from_elsewhere", m->rtp_rx_other);
	put_uint(o, "rtcp_sent", m->rtcp_tx);
	put_uint(o, "rtcp_received", m->rtcp_rx);
	put_bool(o, "media_from_negotiated", m->rtp_rx > 0 && m->rtp_rx_other == 0);
	a[0] = '\0';
	if (m->have_rtp)
		mg_mc_addr_str(&m->peer_rtp, a, sizeof a);
	put_str(o, "peer_media", a);
	put_bool(o, "faststart", c->fs_used);
	put_str(o, "h245", h245_mode(c));
	put_str(o, "error", c->failed ? c->err : "");
	put_bool(o, "call_back", c->call_back);
	a[0] = '\0';
	if (c->role == MG_MC_CALLER)
		mg_mc_addr_str(&c->target, a, sizeof a);
	put_str(o, "target", a);
	a[0] = '\0';
	if (c->have_setup_src)
		mg_mc_addr_str(&c->setup_src, a, sizeof a);
	put_str(o, "setup_source", a);
	json_object *pa = json_object_new_array();
	for (unsigned i = 0; pa != NULL && i < c->n_peer_addr; i++) {
		json_object *e = json_object_new_object();
		mg_mc_addr_str(&c->peer_addr[i].a, a, sizeof a);
		put_str(e, "field", mg_mc_field_name(c->peer_addr[i].field));
		put_str(e, "addr", a);
		json_object_array_add(pa, e);
	}
	json_object_object_add(o, "peer_addresses", pa);
	json_object_object_add(o, "release_cause",
			       c->release_seen && c->release_cause ? json_object_new_int(c->release_cause) : NULL);
	json_object_object_add(o, "release_reason",
			       c->release_seen && c->release_reason != MG_H225_RR_NONE
				       ? json_object_new_string(mg_h225_release_reason_name(c->release_reason))
				       : NULL);
	long r = release_ms(c);
	json_object_object_add(o, "release_ms", r >= 0 ? json_object_new_int64(r) : NULL);
	put_bool(o, "refused", c->refused && !c->failed);
	const char *da[MG_H225_ALIASES];
	unsigned nda = dest_alias_list(c, da);
	json_object *dl = json_object_new_array();
	for (unsigned i = 0; dl != NULL && i < nda; i++)
		json_object_array_add(dl, json_object_new_string(da[i]));
	json_object_object_add(o, "dest_aliases", dl);
	const char *adm = admission(c);
	json_object_object_add(o, "admission", adm ? json_object_new_string(adm) : NULL);
	json_object_object_add(o, "admission_reason",
			       c->arj ? json_object_new_string(mg_mc_ras_reason_name(MG_MC_ARJ, c->arj_reason, c->arj_ext))
				      : NULL);
	a[0] = '\0';
	if (c->acf_addr.port != 0)
		mg_mc_addr_str(&c->acf_addr, a, sizeof a);
	put_str(o, "acf_address", a);
	put_bool(o, "acf_routed", c->acf_routed);
	json_object_array_add(j->calls, o);
}

void mg_mc_json_close(void *p, const struct mg_mc_totals *t)
{
	struct json_out *j = p;
	if (j == NULL)
		return;
	put_uint(j->doc, "total", t->calls);
	put_uint(j->doc, "ok", t->ok);
	put_uint(j->doc, "failed", t->failed);
	put_uint(j->doc, "refused", t->refused);
	if (j->gk) {
		const struct mg_mc_ras_state *r = mg_mc_ras_state();
		char a[32];
		json_object *ras = json_object_new_object();
		mg_mc_addr_str(&r->gk, a, sizeof a);
		put_str(ras, "gatekeeper", a);
		put_str(ras, "gatekeeper_id", r->gk_id);
		put_bool(ras, "registered", r->ep_id[0] != '\0');
		put_str(ras, "endpoint_id", r->ep_id);
		put_uint(ras, "ttl", r->ttl);
		mg_mc_addr_str(&r->sig, a, sizeof a);
		put_str(ras, "call_signal_address", a);
		mg_mc_addr_str(&r->ras, a, sizeof a);
		put_str(ras, "ras_address", a);
		put_uint(ras, "keepalives", r->keepalives);
		put_uint(ras, "admissions", r->admissions);
		put_uint(ras, "admission_rejects", r->rejects);
		put_uint(ras, "disengages", r->disengages);
		put_uint(ras, "unanswered", r->unanswered);
		put_bool(ras, "unregistered", r->unregistered);
		json_object *alt = json_object_new_array();
		for (unsigned i = 0; alt != NULL && i < r->n_alt_gk; i++) {
			mg_mc_addr_str(&r->alt_gk[i].ras, a, sizeof a);
			json_object_array_add(alt, json_object_new_string(a));
		}
		json_object_object_add(ras, "alternate_gatekeepers", alt);
		put_str(ras, "error", r->err);
		json_object_object_add(j->doc, "ras", ras);
	}
	const char *s = json_object_to_json_string_ext(
		j->doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL || fputs(s, j->f) == EOF || fputc('\n', j->f) == EOF)
		fprintf(stderr, "meetcall: the report could not be written\n");
	if (fclose(j->f) != 0)
		fprintf(stderr, "meetcall: the report could not be written\n");
	json_object_put(j->doc);
	j->doc = j->calls = NULL;
	j->f = NULL;
}
