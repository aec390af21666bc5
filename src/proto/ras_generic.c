/* ras_generic.c - GenericData and FeatureSet, where H.460 features live:
 * every transport Content is recorded (MG_F_GENERIC) at any depth, a
 * FeatureDescriptor or GenericData naming standard 18 or 19 sets
 * s->ras_h46018 / ras_h46019, and in an SCI the H.460.18
 * IncomingCallIndication (genericData 18, parameter 1, raw) is decoded for
 * its callSignallingAddress.  Nesting (compound, nested) counts against
 * MG_H323_MAX_DEPTH. */
#include "proto/ras_priv.h"

#define H460_18 18
#define H460_19 19
#define H46018_INCOMING_CALL 1 /* parameter carrying IncomingCallIndication */

/* GenericIdentifier ::= CHOICE { standard INTEGER(0..16383, ...), oid
 * OBJECT IDENTIFIER, nonStandard GloballyUniqueID, ... }.  *std gets the
 * standard number, -1 for any other form. */
static bool generic_id(struct mg_walk *w, struct mg_cur *c, int32_t *std)
{
	bool ext;
	uint32_t n, alt = mg_per_choice(c, 3, true, &ext);

	*std = -1;
	if (!mg_walk_ok(w, c, "GenericIdentifier"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "GenericIdentifier (extension)");
	if (alt == 0) {
		if (mg_cur_bit(c))
			mg_per_uint_semi(c, 0); /* beyond the root range */
		else
			*std = (int32_t)mg_per_constrained(c, 0, 16383);
	} else if (alt == 1) {
		mg_per_skip_oid(c);
	} else {
		mg_per_octets(c, 16, 16, false, &n);
	}
	return mg_walk_ok(w, c, "GenericIdentifier");
}

/* IncomingCallIndication ::= SEQUENCE { callSignallingAddress
 * TransportAddress, callID CallIdentifier, ... } (H.460.18), PER-encoded
 * in a raw Content: its octets start octet-aligned in the message, so the
 * address octets are aligned too. */
static bool incoming_call(struct mg_walk *w, const uint8_t *p, uint32_t n)
{
	struct mg_cur ic;
	bool ok;

	mg_cur_init(&ic, p, n);
	mg_cur_bit(&ic);
	if (!mg_walk_ok(w, &ic, "IncomingCallIndication") || !mg_walk_enter(w, "IncomingCallIndication"))
		return false;
	ok = mg_h225_transport(w, &ic, MG_F_H460_CALLSIG, "IncomingCallIndication.callSignallingAddress") &&
	     mg_h225_call_id(w, &ic);
	mg_walk_leave(w);
	return ok;
}

static bool generic_data(struct mg_walk *w, struct mg_cur *c, bool top);

static bool enum_param(struct mg_walk *w, struct mg_cur *c, bool h46018_sci);

/* Content ::= CHOICE { raw, text, unicode, bool, number8, number16,
 * number32, id, alias, transport, compound SEQUENCE (SIZE(1..512)) OF
 * EnumeratedParameter, nested SEQUENCE (SIZE(1..16)) OF GenericData, ... }.
 * incoming: the raw value is an H.460.18 IncomingCallIndication. */
static bool content(struct mg_walk *w, struct mg_cur *c, bool incoming)
{
	bool ext, ok = true;
	uint32_t n, alt = mg_per_choice(c, 12, true, &ext);
	const uint8_t *p;
	int32_t std;

	if (!mg_walk_ok(w, c, "Content"))
		return false;
	if (ext)
		return mg_walk_skip_open(w, c, "Content (extension)");
	switch (alt) {
	case 0: /* raw */
		p = mg_per_octets(c, 0, 0, false, &n);
		if (!mg_walk_ok(w, c, "Content.raw"))
			return false;
		return incoming ? incoming_call(w, p, n) : true;
	case 1: /* text */
		mg_per_skip_chars(c, 0, 0, false, 8);
		break;
	case 2: /* unicode */
		mg_per_skip_chars(c, 0, 0, false, 16);
		break;
	case 3: /* bool */
		mg_cur_skip_bits(c, 1);
		break;
	case 4:
		mg_per_constrained(c, 0, 255);
		break;
	case 5:
		mg_per_constrained(c, 0, 65535);
		break;
	case 6:
		mg_per_constrained(c, 0, 0xFFFFFFFFu);
		break;
	case 7:
		return generic_id(w, c, &std);
	case 8:
		return mg_h225_alias(w, c);
	case 9:
		return mg_h225_transport(w, c, MG_F_GENERIC, "Content.transport");
	case 10: /* compound */
		n = mg_per_size(c, 1, 512, false);
		if (!mg_walk_ok(w, c, "Content.compound"))
			return false;
		if (n > MG_PER_MAX_SEQOF)
			return mg_walk_fail(w, MG_R_ALG_LIMIT, "Content.compound");
		if (!mg_walk_enter(w, "Content.compound"))
			return false;
		for (uint32_t i = 0; i < n && ok; i++)
			ok = enum_param(w, c, false);
		mg_walk_leave(w);
		return ok;
	default: /* nested */
		n = mg_per_size(c, 1, 16, false);
		if (!mg_walk_ok(w, c, "Content.nested") || !mg_walk_enter(w, "Content.nested"))
			return false;
		for (uint32_t i = 0; i < n && ok; i++)
			ok = generic_data(w, c, false);
		mg_walk_leave(w);
		return ok;
	}
	return mg_walk_ok(w, c, "Content");
}

/* EnumeratedParameter ::= SEQUENCE { id GenericIdentifier, content Content
 * OPTIONAL, ... } */
static bool enum_param(struct mg_walk *w, struct mg_cur *c, bool h46018_sci)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	int32_t std;

	if (!mg_walk_ok(w, c, "EnumeratedParameter") || !generic_id(w, c, &std))
		return false;
	if ((opt & 1) && !content(w, c, h46018_sci && std == H46018_INCOMING_CALL))
		return false;
	return ext ? mg_walk_skip_exts(w, c, "EnumeratedParameter") : true;
}

/* GenericData ::= SEQUENCE { id GenericIdentifier, parameters SEQUENCE
 * (SIZE (1..512)) OF EnumeratedParameter OPTIONAL, ... }; top: an element of
 * a message's genericData or featureSet (the features it names count). */
static bool generic_data(struct mg_walk *w, struct mg_cur *c, bool top)
{
	uint32_t opt, n;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	bool sci18;
	int32_t std;

	if (!mg_walk_ok(w, c, "GenericData") || !generic_id(w, c, &std))
		return false;
	if (top && std == H460_18)
		w->s->ras_h46018 = true;
	if (top && std == H460_19)
		w->s->ras_h46019 = true;
	sci18 = top && std == H460_18 && w->s->ras_type == MG_RAS_SCI;
	if (opt & 1) {
		n = mg_per_size(c, 1, 512, false);
		if (!mg_walk_ok(w, c, "GenericData.parameters"))
			return false;
		if (n > MG_PER_MAX_SEQOF)
			return mg_walk_fail(w, MG_R_ALG_LIMIT, "GenericData.parameters");
		for (uint32_t i = 0; i < n; i++)
			if (!enum_param(w, c, sci18))
				return false;
	}
	return ext ? mg_walk_skip_exts(w, c, "GenericData") : true;
}

bool mg_ras_generic_list(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n;

	if (!mg_ras_count(w, c, &n, "SEQUENCE OF GenericData"))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!generic_data(w, c, true))
			return false;
	return true;
}

/* FeatureSet ::= SEQUENCE { replacementFeatureSet BOOLEAN, neededFeatures,
 * desiredFeatures, supportedFeatures (SEQUENCE OF FeatureDescriptor
 * OPTIONAL), ... }; FeatureDescriptor ::= GenericData. */
bool mg_ras_feature_set(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 3, &opt);

	mg_cur_skip_bits(c, 1);
	if (!mg_walk_ok(w, c, "FeatureSet"))
		return false;
	for (uint32_t bit = 4; bit != 0; bit >>= 1)
		if ((opt & bit) && !mg_ras_generic_list(w, c))
			return false;
	return ext ? mg_walk_skip_exts(w, c, "FeatureSet") : true;
}
