/* h245_skip.c - step over H.245 root encodings that lie on the way to a
 * transport address but carry none (H.245 v17 ASN.1).
 *
 * Root components of a PER encoding carry no length, so the only correct
 * way past a DataType or a multiplex parameter set is to decode its schema.
 * Extension additions and extension alternatives are open types and are
 * skipped by length.  None of these types is recursive in its root, so the
 * functions below nest to a fixed, small depth.
 */
#include "proto/walk.h"

static void skip_ext(struct mg_cur *c, bool ext)
{
	if (ext)
		mg_per_skip_extensions(c);
}

static void skip_int(struct mg_cur *c, uint32_t lb, uint32_t ub)
{
	(void)mg_per_constrained(c, lb, ub);
}

/* An optional INTEGER: present when bit `bit` of `opt` is set. */
static void skip_opt_int(struct mg_cur *c, uint32_t opt, unsigned bit, uint32_t lb, uint32_t ub)
{
	if (opt & (1u << bit))
		skip_int(c, lb, ub);
}

static void skip_octets(struct mg_cur *c, uint32_t lb, uint32_t ub)
{
	uint32_t n;
	(void)mg_per_octets(c, lb, ub, false, &n);
}

/* A CHOICE whose root alternatives are all NULL. */
static void skip_null_choice(struct mg_cur *c, uint32_t nroot, bool extensible)
{
	bool ext;
	(void)mg_per_choice(c, nroot, extensible, &ext);
	if (ext)
		mg_per_skip_open_type(c);
}

/* NonStandardParameter ::= SEQUENCE { nonStandardIdentifier CHOICE { object
 * OID, h221NonStandard SEQUENCE { 0..255, 0..255, 0..65535 } }, data OCTET
 * STRING } -- neither level is extensible. */
void mg_h245_skip_nonstd(struct mg_cur *c)
{
	bool ext;
	if (mg_per_choice(c, 2, false, &ext) == 0) {
		mg_per_skip_oid(c);
	} else {
		skip_int(c, 0, 255);
		skip_int(c, 0, 255);
		skip_int(c, 0, 65535);
	}
	skip_octets(c, 0, 0);
}

/* SEQUENCE OF NonStandardParameter (unconstrained count). */
void mg_h245_skip_nonstd_list(struct mg_cur *c)
{
	uint32_t n = mg_per_length(c);
	for (uint32_t i = 0; i < n && !c->err; i++)
		mg_h245_skip_nonstd(c);
}

/* TerminalLabel ::= SEQUENCE { McuNumber (0..192), TerminalNumber (0..192), ... } */
void mg_h245_skip_terminal_label(struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 0, &opt);
	skip_int(c, 0, 192);
	skip_int(c, 0, 192);
	skip_ext(c, ext);
}

/* ---- AudioCapability ------------------------------------------------- */

void mg_h245_skip_audio_cap(struct mg_cur *c)
{
	bool ext;
	uint32_t opt;
	uint32_t i = mg_per_choice(c, 14, true, &ext);
	if (ext) {
		mg_per_skip_open_type(c);
		return;
	}
	switch (i) {
	case 0: /* nonStandard */
		mg_h245_skip_nonstd(c);
		break;
	case 8: /* g7231 SEQUENCE { maxAl-sduAudioFrames (1..256), silenceSuppression BOOLEAN } */
		skip_int(c, 1, 256);
		mg_cur_skip_bits(c, 1);
		break;
	case 12: { /* IS11172AudioCapability: 8 BOOLEAN, bitRate (1..448), ... */
		bool e = mg_per_seq_preamble(c, true, 0, &opt);
		mg_cur_skip_bits(c, 8);
		skip_int(c, 1, 448);
		skip_ext(c, e);
		break;
	}
	case 13: { /* IS13818AudioCapability: 20 BOOLEAN, bitRate (1..1130), ... */
		bool e = mg_per_seq_preamble(c, true, 0, &opt);
		mg_cur_skip_bits(c, 20);
		skip_int(c, 1, 1130);
		skip_ext(c, e);
		break;
	}
	default: /* g711 / g722 / g728 / g729 variants: INTEGER (1..256) */
		skip_int(c, 1, 256);
		break;
	}
}

/* ---- VideoCapability ------------------------------------------------- */

static void skip_h261(struct mg_cur *c)
{
	uint32_t opt;
	bool e = mg_per_seq_preamble(c, true, 2, &opt);
	skip_opt_int(c, opt, 1, 1, 4); /* qcifMPI */
	skip_opt_int(c, opt, 0, 1, 4); /* cifMPI */
	mg_cur_skip_bits(c, 1);        /* temporalSpatialTradeOffCapability */
	skip_int(c, 1, 19200);         /* maxBitRate */
	mg_cur_skip_bits(c, 1);        /* stillImageTransmission */
	skip_ext(c, e);
}

/* The six optional INTEGERs H262VideoCapability and IS11172VideoCapability
 * share (videoBitRate .. luminanceSampleRate), presence bits 5..0. */
static void skip_mpeg_video_ints(struct mg_cur *c, uint32_t opt)
{
	skip_opt_int(c, opt, 5, 0, 1073741823u);
	skip_opt_int(c, opt, 4, 0, 262143u);
	skip_opt_int(c, opt, 3, 0, 16383u);
	skip_opt_int(c, opt, 2, 0, 16383u);
	skip_opt_int(c, opt, 1, 0, 15u);
	skip_opt_int(c, opt, 0, 0, 4294967295u);
}

static void skip_h262(struct mg_cur *c)
{
	uint32_t opt;
	bool e = mg_per_seq_preamble(c, true, 6, &opt);
	mg_cur_skip_bits(c, 11); /* profileAndLevel-* BOOLEANs */
	skip_mpeg_video_ints(c, opt);
	skip_ext(c, e);
}

static void skip_h263(struct mg_cur *c)
{
	uint32_t opt;
	bool e = mg_per_seq_preamble(c, true, 7, &opt);
	for (unsigned b = 6; b >= 2; b--) /* sqcif, qcif, cif, cif4, cif16 MPI */
		skip_opt_int(c, opt, b, 1, 32);
	skip_int(c, 1, 192400);        /* maxBitRate */
	mg_cur_skip_bits(c, 5);        /* unrestrictedVector .. temporalSpatialTradeOff */
	skip_opt_int(c, opt, 1, 0, 524287u); /* hrd-B */
	skip_opt_int(c, opt, 0, 0, 65535u);  /* bppMaxKb */
	skip_ext(c, e);
}

static void skip_is11172_video(struct mg_cur *c)
{
	uint32_t opt;
	bool e = mg_per_seq_preamble(c, true, 6, &opt);
	mg_cur_skip_bits(c, 1); /* constrainedBitstream */
	skip_mpeg_video_ints(c, opt);
	skip_ext(c, e);
}

void mg_h245_skip_video_cap(struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 5, true, &ext);
	if (ext) {
		mg_per_skip_open_type(c);
		return;
	}
	switch (i) {
	case 0:
		mg_h245_skip_nonstd(c);
		break;
	case 1:
		skip_h261(c);
		break;
	case 2:
		skip_h262(c);
		break;
	case 3:
		skip_h263(c);
		break;
	default:
		skip_is11172_video(c);
		break;
	}
}

/* ---- DataApplicationCapability --------------------------------------- */

/* DataProtocolCapability: nonStandard or NULL roots; additions are open types. */
static void skip_data_protocol(struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 7, true, &ext);
	if (ext)
		mg_per_skip_open_type(c);
	else if (i == 0)
		mg_h245_skip_nonstd(c);
}

/* T84Profile ::= CHOICE { t84Unrestricted NULL, t84Restricted SEQUENCE { 19
 * BOOLEAN, ... } } -- the CHOICE itself is not extensible. */
static void skip_t84_profile(struct mg_cur *c)
{
	bool ext;
	uint32_t opt;
	if (mg_per_choice(c, 2, false, &ext) == 1) {
		bool e = mg_per_seq_preamble(c, true, 0, &opt);
		mg_cur_skip_bits(c, 19);
		skip_ext(c, e);
	}
}

void mg_h245_skip_data_cap(struct mg_cur *c)
{
	uint32_t opt;
	bool ext;
	bool e = mg_per_seq_preamble(c, true, 0, &opt);
	uint32_t i = mg_per_choice(c, 10, true, &ext); /* application */
	if (ext) {
		mg_per_skip_open_type(c);
	} else {
		switch (i) {
		case 0:
			mg_h245_skip_nonstd(c);
			break;
		case 4: /* t84 SEQUENCE { t84Protocol, t84Profile } */
			skip_data_protocol(c);
			skip_t84_profile(c);
			break;
		case 7: /* nlpid SEQUENCE { nlpidProtocol, nlpidData OCTET STRING } */
			skip_data_protocol(c);
			skip_octets(c, 0, 0);
			break;
		case 8: /* dsvdControl NULL */
			break;
		default: /* t120, dsm-cc, userData, t434, h224, h222DataPartitioning */
			skip_data_protocol(c);
			break;
		}
	}
	skip_int(c, 0, 4294967295u); /* maxBitRate */
	skip_ext(c, e);
}

/* ---- multiplex parameters that never occur in H.323 ------------------- */

/* H222LogicalChannelParameters: resourceID, subChannelID, pcr-pid OPTIONAL,
 * programDescriptors OPTIONAL, streamDescriptors OPTIONAL, ... */
void mg_h245_skip_h222_params(struct mg_cur *c)
{
	uint32_t opt;
	bool e = mg_per_seq_preamble(c, true, 3, &opt);
	skip_int(c, 0, 65535);
	skip_int(c, 0, 8191);
	skip_opt_int(c, opt, 2, 0, 8191);
	if (opt & 2u)
		skip_octets(c, 0, 0);
	if (opt & 1u)
		skip_octets(c, 0, 0);
	skip_ext(c, e);
}

/* H223LogicalChannelParameters: adaptationLayerType CHOICE, segmentableFlag. */
void mg_h245_skip_h223_params(struct mg_cur *c)
{
	uint32_t opt;
	bool ext;
	bool e = mg_per_seq_preamble(c, true, 0, &opt);
	uint32_t i = mg_per_choice(c, 6, true, &ext);
	if (ext) {
		mg_per_skip_open_type(c);
	} else if (i == 0) {
		mg_h245_skip_nonstd(c);
	} else if (i == 5) { /* al3 SEQUENCE { (0..2), (0..16777215) } */
		skip_int(c, 0, 2);
		skip_int(c, 0, 16777215u);
	}
	mg_cur_skip_bits(c, 1);
	skip_ext(c, e);
}

/* V76LogicalChannelParameters: hdlcParameters, suspendResume, uIH, mode,
 * v75Parameters. */
void mg_h245_skip_v76_params(struct mg_cur *c)
{
	uint32_t opt;
	bool ext;
	bool e = mg_per_seq_preamble(c, true, 0, &opt);
	/* V76HDLCParameters { crcLength CHOICE, n401 (1..4095), loopbackTestProcedure BOOLEAN, ... } */
	bool he = mg_per_seq_preamble(c, true, 0, &opt);
	skip_null_choice(c, 3, true);
	skip_int(c, 1, 4095);
	mg_cur_skip_bits(c, 1);
	skip_ext(c, he);
	skip_null_choice(c, 3, true); /* suspendResume */
	mg_cur_skip_bits(c, 1);       /* uIH */
	uint32_t m = mg_per_choice(c, 2, true, &ext);
	if (ext) {
		mg_per_skip_open_type(c);
	} else if (m == 0) { /* eRM SEQUENCE { windowSize (1..127), recovery CHOICE, ... } */
		bool me = mg_per_seq_preamble(c, true, 0, &opt);
		skip_int(c, 1, 127);
		skip_null_choice(c, 3, true);
		skip_ext(c, me);
	}
	bool ve = mg_per_seq_preamble(c, true, 0, &opt); /* V75Parameters */
	mg_cur_skip_bits(c, 1);
	skip_ext(c, ve);
	skip_ext(c, e);
}

/* ---- DataType -------------------------------------------------------- */

uint8_t mg_h245_data_type(struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 6, true, &ext);
	if (ext) { /* h235Media, redundancyEncoding, ...: media kind left unknown */
		mg_per_skip_open_type(c);
		return MG_MEDIA_UNKNOWN;
	}
	switch (i) {
	case 0:
		mg_h245_skip_nonstd(c);
		return MG_MEDIA_UNKNOWN;
	case 1: /* nullData */
		return MG_MEDIA_UNKNOWN;
	case 2:
		mg_h245_skip_video_cap(c);
		return MG_MEDIA_VIDEO;
	case 3:
		mg_h245_skip_audio_cap(c);
		return MG_MEDIA_AUDIO;
	case 4:
		mg_h245_skip_data_cap(c);
		return MG_MEDIA_DATA;
	default: { /* encryptionData EncryptionMode { nonStandard, h233Encryption NULL, ... } */
		uint32_t e = mg_per_choice(c, 2, true, &ext);
		if (ext)
			mg_per_skip_open_type(c);
		else if (e == 0)
			mg_h245_skip_nonstd(c);
		return MG_MEDIA_UNKNOWN;
	}
	}
}
