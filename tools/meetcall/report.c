/* report.c - per-call lines, totals and the JSON report. */
#include <stdio.h>
#include <string.h>

#include "meetcall/mc.h"

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
	if (c->n_peer_addr > 0) {
		printf(", peer addresses");
		for (unsigned i = 0; i < c->n_peer_addr; i++) {
			char a[32];
			mg_mc_addr_str(&c->peer_addr[i].a, a, sizeof a);
			printf(" %s=%s", mg_mc_field_name(c->peer_addr[i].field), a);
		}
	}
	if (c->failed)
		printf(", error: %s", c->err);
	printf("\n");
}

void mg_mc_totals_add(struct mg_mc_totals *t, const struct mg_mc_call *c)
{
	long s = setup_ms(c);
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
	printf("total: %u calls, %u ok, %u failed; setup avg %llu ms max %llu ms; rtp sent %llu recv %llu\n",
	       t->calls, t->ok, t->failed, (unsigned long long)(t->setup_n ? t->setup_sum / t->setup_n : 0),
	       (unsigned long long)t->setup_max, (unsigned long long)t->rtp_tx, (unsigned long long)t->rtp_rx);
}

/* JSON string with the few escapes an error text can need. */
static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

struct json_out {
	FILE *f;
	unsigned n;
};

void *mg_mc_json_open(const char *path, const struct mg_mc_opts *o)
{
	static struct json_out j;
	if (path == NULL)
		return NULL;
	j.f = fopen(path, "w");
	j.n = 0;
	if (j.f == NULL) {
		fprintf(stderr, "meetcall: cannot write report '%s'\n", path);
		return NULL;
	}
	fprintf(j.f, "{\"mode\": \"%s\", \"faststart\": %s, \"tunnel\": %s, \"split_tpkt\": %s, \"calls\": [",
		o->listen ? "listen" : "call", o->faststart ? "true" : "false", o->tunnel ? "true" : "false",
		o->split ? "true" : "false");
	return &j;
}

void mg_mc_json_call(void *p, const struct mg_mc_call *c)
{
	struct json_out *j = p;
	const struct mg_mc_media *m = &c->media;
	char peer[32] = "";
	if (j == NULL)
		return;
	char setup[24] = "null";
	if (setup_ms(c) >= 0)
		snprintf(setup, sizeof setup, "%ld", setup_ms(c));
	if (m->have_rtp)
		mg_mc_addr_str(&m->peer_rtp, peer, sizeof peer);
	fprintf(j->f, "%s\n  {\"call\": %u, \"ok\": %s, \"setup_ms\": %s, \"rtp_sent\": %u, \"rtp_received\": %u, "
		"\"rtp_expected\": %u, \"rtp_from_elsewhere\": %u, \"rtcp_sent\": %u, \"rtcp_received\": %u, "
		"\"media_from_negotiated\": %s, \"peer_media\": ",
		j->n ? "," : "", c->num, mg_mc_call_ok(c) ? "true" : "false", setup, m->rtp_tx, m->rtp_rx,
		mg_mc_media_expected(m), m->rtp_rx_other, m->rtcp_tx, m->rtcp_rx,
		m->rtp_rx > 0 && m->rtp_rx_other == 0 ? "true" : "false");
	jstr(j->f, peer);
	fprintf(j->f, ", \"faststart\": %s, \"h245\": \"%s\", \"error\": ", c->fs_used ? "true" : "false",
		h245_mode(c));
	jstr(j->f, c->failed ? c->err : "");
	fprintf(j->f, ", \"call_back\": %s, \"target\": ", c->call_back ? "true" : "false");
	char a[32] = "";
	if (c->role == MG_MC_CALLER)
		mg_mc_addr_str(&c->target, a, sizeof a);
	jstr(j->f, a);
	fprintf(j->f, ", \"setup_source\": ");
	a[0] = '\0';
	if (c->have_setup_src)
		mg_mc_addr_str(&c->setup_src, a, sizeof a);
	jstr(j->f, a);
	fprintf(j->f, ", \"peer_addresses\": [");
	for (unsigned i = 0; i < c->n_peer_addr; i++) {
		mg_mc_addr_str(&c->peer_addr[i].a, a, sizeof a);
		fprintf(j->f, "%s{\"field\": \"%s\", \"addr\": \"%s\"}", i ? ", " : "",
			mg_mc_field_name(c->peer_addr[i].field), a);
	}
	fputs("]}", j->f);
	j->n++;
}

void mg_mc_json_close(void *p, const struct mg_mc_totals *t)
{
	struct json_out *j = p;
	if (j == NULL)
		return;
	fprintf(j->f, "\n], \"total\": %u, \"ok\": %u, \"failed\": %u}\n", t->calls, t->ok, t->failed);
	fclose(j->f);
}
