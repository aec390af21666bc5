/* h225_body.c - the h323-message-body alternatives.  Root components are
 * walked in order (they must be, to reach what follows); extension additions
 * are opened only for the fields listed in h225.h and skipped otherwise.
 * Inside an open type (an extension alternative such as progress or status)
 * the walk may stop once nothing of interest can follow: the enclosing walk
 * resumes after the open type's length. */
#include <stdint.h>

#include "proto/walk.h"

/* Positions (among the extension additions of one UUIE type) of the
 * additions the walker decodes; -1 when the type has no such addition. */
struct ext_map {
	int call_id;     /* callIdentifier */
	int h245_addr;   /* h245Address (facility) */
	int faststart;   /* fastStart */
	int src_callsig; /* sourceCallSignalAddress (setup) */
	int remote_ext;  /* remoteExtensionAddress, an AliasAddress (setup) */
	int parallel;    /* parallelH245Control (setup) */
	int feature_set; /* featureSet, a FeatureSet */
	int features;    /* the first of neededFeatures, desiredFeatures,
			  * supportedFeatures (setup: three SEQUENCE OF
			  * FeatureDescriptor in a row) */
};

static const struct ext_map setup_map = { 2, -1, 6, 0, 1, 24, -1, 21 };
/* CallProceeding-, Alerting- and Connect-UUIE share the positions up to
 * fastStart; their featureSet sits at a position of its own. */
static const struct ext_map proceeding_map = { 0, -1, 4, -1, -1, -1, 8, -1 };
static const struct ext_map alerting_map = { 0, -1, 4, -1, -1, -1, 13, -1 };
static const struct ext_map connect_map = { 0, -1, 4, -1, -1, -1, 14, -1 };
static const struct ext_map info_map = { 0, -1, 3, -1, -1, -1, -1, -1 };
static const struct ext_map release_map = { 0, -1, -1, -1, -1, -1, 8, -1 };
static const struct ext_map facility_map = { 0, 6, 7, -1, -1, -1, 13, -1 };

static bool ext_walk(struct mg_walk *w, const struct ext_map *m, unsigned idx, struct mg_cur *sub)
{
	int i = (int)idx;

	if (i == m->call_id)
		return mg_h225_call_id(w, sub);
	if (i == m->h245_addr)
		return mg_h225_transport(w, sub, MG_F_H245_ADDRESS, "facility.h245Address");
	if (i == m->faststart)
		return mg_h225_embedded(w, sub, MG_H225_EMBED_OLC, MG_C_FASTSTART, "fastStart");
	if (i == m->src_callsig)
		return mg_h225_transport(w, sub, MG_F_SRC_CALLSIG, "setup.sourceCallSignalAddress");
	if (i == m->remote_ext)
		return mg_h225_alias(w, sub);
	if (i == m->parallel)
		return mg_h225_embedded(w, sub, MG_H225_EMBED_MSG, MG_C_PARALLEL,
					"setup.parallelH245Control");
	if (i == m->feature_set)
		return mg_ras_feature_set(w, sub);
	if (m->features >= 0 && i >= m->features && i < m->features + 3)
		return mg_ras_generic_list(w, sub);
	return true;
}

static bool setup_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &setup_map, i, sub);
}
static bool proceeding_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &proceeding_map, i, sub);
}
static bool alerting_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &alerting_map, i, sub);
}
static bool connect_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &connect_map, i, sub);
}
static bool info_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &info_map, i, sub);
}
static bool release_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &release_map, i, sub);
}
static bool facility_ext(struct mg_walk *w, unsigned i, struct mg_cur *sub)
{
	return ext_walk(w, &facility_map, i, sub);
}

/* A CHOICE whose root alternatives are all NULL (an extension alternative
 * is skipped by its length).  *idx, when not NULL, gets the alternative:
 * additions are numbered on from nroot, 0xfe for any beyond that. */
static bool null_choice(struct mg_walk *w, struct mg_cur *c, uint32_t nroot, const char *where, uint8_t *idx)
{
	bool ext;
	uint32_t i = mg_per_choice(c, nroot, true, &ext);
	if (!mg_walk_ok(w, c, where))
		return false;
	if (ext) {
		i = i > 0xfe - nroot ? 0xfe : i + nroot;
		if (!mg_walk_skip_open(w, c, where))
			return false;
	}
	if (idx != NULL)
		*idx = (uint8_t)i;
	return true;
}

/* QseriesOptions ::= SEQUENCE { q932Full .. q957Full (7 BOOLEAN), q954Info
 * Q954Details ::= SEQUENCE { 2 BOOLEAN, ... }, ... } */
bool mg_h225_qseries(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);
	mg_cur_skip_bits(c, 7);
	bool ext954 = mg_cur_bit(c);
	mg_cur_skip_bits(c, 2);
	if (!mg_walk_ok(w, c, "setup.callServices"))
		return false;
	if (ext954 && !mg_walk_skip_exts(w, c, "setup.callServices.q954Info"))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "setup.callServices") : true;
}

/* Setup-UUIE root: protocolIdentifier, h245Address?, sourceAddress?,
 * sourceInfo, destinationAddress?, destCallSignalAddress?,
 * destExtraCallInfo?, destExtraCRV?, activeMC, conferenceID, conferenceGoal,
 * callServices?, callType. */
static bool setup(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 7, &opt);

	if (!mg_walk_ok(w, c, "setup") || !mg_h225_oid(w, c, "setup.protocolIdentifier"))
		return false;
	if ((opt & 64) && !mg_h225_transport(w, c, MG_F_H245_ADDRESS, "setup.h245Address"))
		return false;
	if ((opt & 32) && !mg_h225_alias_seq(w, c))
		return false;
	if (!mg_h225_endpoint_type(w, c))
		return false;
	if ((opt & 16) && !mg_h225_alias_seq(w, c))
		return false;
	if ((opt & 8) && !mg_h225_transport(w, c, MG_F_DEST_CALLSIG, "setup.destCallSignalAddress"))
		return false;
	if ((opt & 4) && !mg_h225_alias_seq(w, c))
		return false;
	if (opt & 2) {
		uint32_t n = mg_per_length(c);
		for (uint32_t i = 0; i < n && !c->err; i++)
			mg_per_constrained(c, 0, 65535);
		if (!mg_walk_ok(w, c, "setup.destExtraCRV"))
			return false;
	}
	mg_cur_skip_bits(c, 1); /* activeMC */
	if (!mg_h225_guid(w, c, "setup.conferenceID"))
		return false;
	if (!null_choice(w, c, 3, "setup.conferenceGoal", NULL))
		return false;
	if ((opt & 1) && !mg_h225_qseries(w, c))
		return false;
	if (!null_choice(w, c, 4, "setup.callType", NULL))
		return false;
	return ext ? mg_walk_exts(w, c, setup_ext, "setup.extensions") : true;
}

/* CallProceeding- and Alerting-UUIE root: protocolIdentifier,
 * destinationInfo, h245Address?. */
static bool proceeding_or_alerting(struct mg_walk *w, struct mg_cur *c, mg_walk_ext_fn exts)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "uuie") || !mg_h225_oid(w, c, "uuie.protocolIdentifier"))
		return false;
	if (!mg_h225_endpoint_type(w, c))
		return false;
	if ((opt & 1) && !mg_h225_transport(w, c, MG_F_H245_ADDRESS, "uuie.h245Address"))
		return false;
	return ext ? mg_walk_exts(w, c, exts, "uuie.extensions") : true;
}

/* Connect-UUIE root: protocolIdentifier, h245Address?, destinationInfo,
 * conferenceID. */
static bool connect_uuie(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "connect") || !mg_h225_oid(w, c, "connect.protocolIdentifier"))
		return false;
	if ((opt & 1) && !mg_h225_transport(w, c, MG_F_H245_ADDRESS, "connect.h245Address"))
		return false;
	if (!mg_h225_endpoint_type(w, c) || !mg_h225_guid(w, c, "connect.conferenceID"))
		return false;
	return ext ? mg_walk_exts(w, c, connect_ext, "connect.extensions") : true;
}

/* Information-UUIE root: protocolIdentifier. */
static bool information(struct mg_walk *w, struct mg_cur *c)
{
	bool ext = mg_cur_bit(c);

	if (!mg_walk_ok(w, c, "information") || !mg_h225_oid(w, c, "information.protocolIdentifier"))
		return false;
	return ext ? mg_walk_exts(w, c, info_ext, "information.extensions") : true;
}

/* ReleaseComplete-UUIE root: protocolIdentifier, reason? (12 NULL roots;
 * additions are numbered on from 12, as in enum mg_h225_release_reason). */
static bool release_complete(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);

	if (!mg_walk_ok(w, c, "releaseComplete") ||
	    !mg_h225_oid(w, c, "releaseComplete.protocolIdentifier"))
		return false;
	if ((opt & 1) && !null_choice(w, c, 12, "releaseComplete.reason", &w->s->release_reason))
		return false;
	return ext ? mg_walk_exts(w, c, release_ext, "releaseComplete.extensions") : true;
}

/* Facility-UUIE root: protocolIdentifier, alternativeAddress?,
 * alternativeAliasAddress?, conferenceID?, reason.  FacilityReason has 4
 * root alternatives; additions are numbered on from 4 (startH245 = 5). */
static bool facility(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	if (!mg_walk_ok(w, c, "facility") || !mg_h225_oid(w, c, "facility.protocolIdentifier"))
		return false;
	if ((opt & 4) && !mg_h225_transport(w, c, MG_F_ALT_ADDRESS, "facility.alternativeAddress"))
		return false;
	if ((opt & 2) && !mg_h225_alias_seq(w, c))
		return false;
	if ((opt & 1) && !mg_h225_guid(w, c, "facility.conferenceID"))
		return false;
	if (!null_choice(w, c, 4, "facility.reason", &w->s->facility_reason))
		return false;
	return ext ? mg_walk_exts(w, c, facility_ext, "facility.extensions") : true;
}

/* Progress-UUIE (an extension alternative, walked inside its open type):
 * protocolIdentifier, destinationInfo, h245Address?, callIdentifier,
 * h245SecurityMode?, tokens?, cryptoTokens?, fastStart?, ...  H.235 tokens
 * are not walked: if they stand between the walk and a fastStart, the
 * message is refused rather than passed with addresses unseen. */
static bool progress(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;

	mg_per_seq_preamble(c, true, 5, &opt);
	if (!mg_walk_ok(w, c, "progress") || !mg_h225_oid(w, c, "progress.protocolIdentifier"))
		return false;
	if (!mg_h225_endpoint_type(w, c))
		return false;
	if ((opt & 16) && !mg_h225_transport(w, c, MG_F_H245_ADDRESS, "progress.h245Address"))
		return false;
	if (!mg_h225_call_id(w, c))
		return false;
	if ((opt & 8) && !mg_h225_h245_security(w, c))
		return false;
	if (!(opt & 1))
		return true;
	if (opt & 6)
		return mg_walk_fail(w, MG_R_ALG_H225_BAD, "progress.tokens (not walked; fastStart follows)");
	return mg_h225_embedded(w, c, MG_H225_EMBED_OLC, MG_C_FASTSTART, "progress.fastStart");
}

/* Status-, StatusInquiry-, SetupAcknowledge- and Notify-UUIE start with
 * protocolIdentifier, callIdentifier (after 2 presence bits); nothing
 * further is of interest. */
static bool call_id_only(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;

	mg_per_seq_preamble(c, true, 2, &opt);
	if (!mg_walk_ok(w, c, "uuie") || !mg_h225_oid(w, c, "uuie.protocolIdentifier"))
		return false;
	return mg_h225_call_id(w, c);
}

bool mg_h225_body(struct mg_walk *w, struct mg_cur *c, unsigned body)
{
	switch (body) {
	case MG_H225_SETUP:
		return setup(w, c);
	case MG_H225_CALL_PROCEEDING:
		return proceeding_or_alerting(w, c, proceeding_ext);
	case MG_H225_ALERTING:
		return proceeding_or_alerting(w, c, alerting_ext);
	case MG_H225_CONNECT:
		return connect_uuie(w, c);
	case MG_H225_INFORMATION:
		return information(w, c);
	case MG_H225_RELEASE_COMPLETE:
		return release_complete(w, c);
	case MG_H225_FACILITY:
		return facility(w, c);
	case MG_H225_PROGRESS:
		return progress(w, c);
	case MG_H225_EMPTY:
		return true;
	default: /* status, statusInquiry, setupAcknowledge, notify */
		return call_id_only(w, c);
	}
}
