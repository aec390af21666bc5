/* ras.c - RasMessage: the CHOICE, the extension additions of a message by
 * role, the entry points.  See ras.h for the contract and ras_priv.h for
 * the internals. */
#include "proto/ras.h"

#include <string.h>

#include "proto/ras_priv.h"

/* The root alternatives, in RasMessage order. */
static const mg_ras_msg_fn root_msgs[] = {
	mg_ras_grq, mg_ras_gcf, mg_ras_grj, mg_ras_rrq, mg_ras_rcf, mg_ras_rrj, mg_ras_urq,
	mg_ras_ucf, mg_ras_urj, mg_ras_arq, mg_ras_acf, mg_ras_arj, mg_ras_brq, mg_ras_bcf,
	mg_ras_brj, mg_ras_drq, mg_ras_dcf, mg_ras_drj, mg_ras_lrq, mg_ras_lcf, mg_ras_lrj,
	mg_ras_irq, mg_ras_irr, mg_ras_nsm, mg_ras_xrs,
};
#define N_ROOT (sizeof(root_msgs) / sizeof(root_msgs[0]))

static bool acf_seq(struct mg_walk *w, struct mg_cur *c);

/* The extension alternatives (open types), addition by addition. */
static const mg_ras_msg_fn ext_msgs[] = {
	mg_ras_rip, mg_ras_rai, mg_ras_rac, mg_ras_iack, mg_ras_inak, mg_ras_sci, mg_ras_scr, acf_seq,
};
#define N_EXT (sizeof(ext_msgs) / sizeof(ext_msgs[0]))

static const char *const names[] = {
	"GRQ", "GCF", "GRJ", "RRQ", "RCF", "RRJ", "URQ", "UCF", "URJ", "ARQ", "ACF",
	"ARJ", "BRQ", "BCF", "BRJ", "DRQ", "DCF", "DRJ", "LRQ", "LCF", "LRJ", "IRQ",
	"IRR", "NSM", "XRS", "RIP", "RAI", "RAC", "IACK", "INAK", "SCI", "SCR", "ACF-sequence",
};

const char *mg_ras_name(uint8_t type)
{
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "RAS?";
}

/* admissionConfirmSequence: SEQUENCE OF AdmissionConfirm. */
static bool acf_seq(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "admissionConfirmSequence"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!mg_ras_acf(w, c))
			return false;
	return true;
}

static bool ext_role(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	struct mg_ras_walk *r = mg_ras_of(w);
	uint8_t role = idx < r->n_roles ? r->roles[idx] : MG_RAS_R_SKIP;

	switch (role) {
	case MG_RAS_R_ALT_EP:
		return mg_ras_endpoints(w, sub);
	case MG_RAS_R_ALT_GK_LIST:
		return mg_ras_alt_gk_list(w, sub);
	case MG_RAS_R_ALT_GK_INFO:
		return mg_ras_alt_gk_info(w, sub);
	case MG_RAS_R_ALT_GK:
		return mg_ras_alt_gk(w, sub);
	case MG_RAS_R_FEATURES:
		return mg_ras_feature_set(w, sub);
	case MG_RAS_R_GENERIC:
		return mg_ras_generic_list(w, sub);
	case MG_RAS_R_TTL:
		w->s->ras_ttl = mg_per_constrained(sub, 1, 0xFFFFFFFFu);
		w->s->ras_has_ttl = !sub->err;
		return mg_walk_ok(w, sub, "timeToLive");
	case MG_RAS_R_KEEPALIVE:
		w->s->ras_keepalive = mg_cur_bit(sub);
		return mg_walk_ok(w, sub, "keepAlive");
	case MG_RAS_R_ALT_TRANSPORT:
		return mg_ras_alt_transport(w, sub);
	case MG_RAS_R_CALL_ID:
		return mg_h225_call_id(w, sub);
	case MG_RAS_R_ALIASES:
		return mg_ras_alias_list(w, sub, false);
	case MG_RAS_R_CALLSIG_LIST:
		return mg_ras_ta_list(w, sub, MG_F_CALLSIG, "callSignalAddress");
	case MG_RAS_R_ENDPOINT_TYPE:
		return mg_h225_endpoint_type(w, sub);
	case MG_RAS_R_PREGRANTED:
		return mg_ras_pregranted(w, sub);
	case MG_RAS_R_BW_DETAILS:
		return mg_ras_bw_details(w, sub);
	default:
		return true;
	}
}

bool mg_ras_exts(struct mg_walk *w, struct mg_cur *c, const uint8_t *roles, unsigned n, const char *where)
{
	struct mg_ras_walk *r = mg_ras_of(w);

	r->roles = roles;
	r->n_roles = n;
	return mg_walk_exts(w, c, ext_role, where);
}

enum mg_reason mg_ras_scan_aliases(struct mg_h323_scan *s, const uint8_t *msg, size_t len,
				   struct mg_ras_aliases *out)
{
	struct mg_ras_walk r = {
		.w = { .s = s, .bad = MG_R_ALG_H225_BAD, .container = MG_C_RAS },
		.aliases = out,
	};
	struct mg_walk *w = &r.w;
	struct mg_cur c;
	uintptr_t top = (uintptr_t)s->top, b = (uintptr_t)msg;
	bool ext;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s->err != MG_R_NONE)
		return s->err;
	if (s->top == NULL || b < top || b - top > s->top_len || len > s->top_len - (b - top)) {
		mg_walk_fail(w, MG_R_ALG_H225_BAD, "ras (outside the scanned buffer)");
		return s->err;
	}
	mg_cur_init(&c, msg, len);
	uint32_t idx = mg_per_choice(&c, N_ROOT, true, &ext);
	if (!mg_walk_ok(w, &c, "RasMessage"))
		return s->err;
	if (!ext) {
		s->ras_type = (uint8_t)idx;
		root_msgs[idx](w, &c);
		return s->err;
	}
	if (idx >= N_EXT) {
		s->ras_type = MG_RAS_LATER;
		mg_walk_skip_open(w, &c, "RasMessage (extension)");
		return s->err;
	}
	s->ras_type = (uint8_t)(MG_RAS_RIP + idx);
	mg_walk_open(w, &c, ext_msgs[idx], "RasMessage (extension)");
	return s->err;
}

enum mg_reason mg_ras_scan(struct mg_h323_scan *s, const uint8_t *msg, size_t len)
{
	return mg_ras_scan_aliases(s, msg, len, NULL);
}
