/* msg_h245.c - H.245 encoders: the messages one G.711 audio call needs.
 *
 * Capabilities offered: one receiveAudioCapability g711Ulaw64k of
 * MG_MC_G711_FRAMES, in one capabilityDescriptor.  Logical channels: G.711
 * mu-law audio, session 1, H.225.0 (RTP) multiplexing. */
#include "asn1/per_enc.h"
#include "meetcall/mc_msg.h"

#define OPEN_MAX 256

/* MultimediaSystemControlMessage roots and their root alternative counts. */
enum { MSG_REQUEST = 0, MSG_RESPONSE = 1, MSG_COMMAND = 2 };
static const uint32_t msg_roots[3] = {11, 19, 7};

static void msg_head(struct mg_penc *e, unsigned kind, uint32_t alt)
{
	mg_penc_choice(e, kind, 4, true, false);
	mg_penc_choice(e, alt, msg_roots[kind], true, false);
}

static size_t done(const struct mg_penc *e)
{
	return e->err ? 0 : mg_penc_len(e);
}

/* H.245 TransportAddress unicastAddress iPAddress { network, tsapIdentifier, ... }. */
static void transport(struct mg_penc *e, const struct mg_mc_addr *a)
{
	mg_penc_choice(e, 0, 2, true, false); /* unicastAddress */
	mg_penc_choice(e, 0, 5, true, false); /* iPAddress */
	mg_penc_seq_preamble(e, true, false, 0, 0);
	mg_penc_octets(e, a->ip, 4, 4, 4, false);
	mg_penc_constrained(e, a->port, 0, 65535);
}

/* AudioCapability g711Ulaw64k INTEGER (1..256). */
static void g711_ulaw(struct mg_penc *e)
{
	mg_penc_choice(e, 3, 14, true, false);
	mg_penc_constrained(e, MG_MC_G711_FRAMES, 1, 256);
}

/* DataType audioData (3) or nullData (1). */
static void data_type(struct mg_penc *e, bool audio)
{
	mg_penc_choice(e, audio ? 3 : 1, 6, true, false);
	if (audio)
		g711_ulaw(e);
}

/* H2250LogicalChannelParameters: sessionID 1, mediaChannel?,
 * mediaControlChannel?; the 10 optional root fields in order are
 * nonStandard, associatedSessionID, mediaChannel, mediaGuaranteedDelivery,
 * mediaControlChannel, mediaControlGuaranteedDelivery, silenceSuppression,
 * destination, dynamicRTPPayloadType, mediaPacketization. */
static void h2250_params(struct mg_penc *e, const struct mg_mc_olc *o)
{
	uint32_t opt = (o->has_media ? 1u << 7 : 0) | (o->has_ctrl ? 1u << 5 : 0);
	mg_penc_seq_preamble(e, true, false, 10, opt);
	mg_penc_constrained(e, 1, 0, 255);
	if (o->has_media)
		transport(e, &o->media);
	if (o->has_ctrl)
		transport(e, &o->ctrl);
}

/* multiplexParameters: h2250LogicalChannelParameters is extension
 * alternative 0 of every multiplexParameters CHOICE; `none` (forward
 * parameters only) is alternative 1, an empty open type. */
static void mux_h2250(struct mg_penc *e, uint32_t nroot, const struct mg_mc_olc *o)
{
	uint8_t scratch[OPEN_MAX];
	struct mg_penc sub;
	mg_penc_init(&sub, scratch, sizeof scratch);
	h2250_params(&sub, o);
	mg_penc_choice(e, 0, nroot, true, true);
	mg_penc_open_sub(e, &sub);
}

static void olc(struct mg_penc *e, const struct mg_mc_olc *o)
{
	mg_penc_seq_preamble(e, true, false, 1, o->reverse);
	mg_penc_constrained(e, o->lcn, 1, 65535);
	/* forwardLogicalChannelParameters { portNumber?, dataType,
	 * multiplexParameters CHOICE { h222, h223, v76, ..., h2250, none }, ... } */
	mg_penc_seq_preamble(e, true, false, 1, 0);
	data_type(e, !o->reverse);
	if (!o->reverse) {
		mux_h2250(e, 3, o);
	} else {
		mg_penc_choice(e, 1, 3, true, true);
		mg_penc_open_type(e, NULL, 0);
		/* reverseLogicalChannelParameters { dataType, multiplexParameters
		 * CHOICE { h223, v76, ..., h2250 } OPTIONAL, ... } */
		mg_penc_seq_preamble(e, true, false, 1, 1);
		data_type(e, true);
		mux_h2250(e, 2, o);
	}
}

size_t mg_mc_enc_olc_body(const struct mg_mc_olc *o, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	olc(&e, o);
	return done(&e);
}

size_t mg_mc_enc_olc(const struct mg_mc_olc *o, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_REQUEST, 3);
	olc(&e, o);
	return done(&e);
}

/* OpenLogicalChannelAck { forwardLogicalChannelNumber,
 * reverseLogicalChannelParameters?, ..., separateStack (0),
 * forwardMultiplexAckParameters (1) CHOICE { h2250LogicalChannelAckParameters
 * { nonStandard?, sessionID?, mediaChannel?, mediaControlChannel?,
 * dynamicRTPPayloadType?, ... }, ... }, ... } */
size_t mg_mc_enc_olc_ack(uint16_t lcn, const struct mg_mc_addr *media, const struct mg_mc_addr *ctrl,
			 uint8_t *out, size_t cap)
{
	uint8_t scratch[OPEN_MAX];
	struct mg_penc e, sub;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_RESPONSE, 5);
	mg_penc_seq_preamble(&e, true, true, 1, 0);
	mg_penc_constrained(&e, lcn, 1, 65535);

	mg_penc_init(&sub, scratch, sizeof scratch);
	mg_penc_choice(&sub, 0, 1, true, false);
	mg_penc_seq_preamble(&sub, true, false, 5, 0x08u | 0x04u | 0x02u);
	mg_penc_constrained(&sub, 1, 1, 255);
	transport(&sub, media);
	transport(&sub, ctrl);

	static const uint8_t bits[2] = {0, 1};
	mg_penc_ext_bitmap(&e, bits, 2);
	mg_penc_open_sub(&e, &sub);
	return done(&e);
}

/* TerminalCapabilitySet { sequenceNumber, protocolIdentifier,
 * multiplexCapability?, capabilityTable?, capabilityDescriptors?, ... } */
size_t mg_mc_enc_tcs(uint8_t seq, uint8_t *out, size_t cap)
{
	static const uint32_t h245_proto[] = {0, 0, 8, 245, 0, 3};
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_REQUEST, 2);
	mg_penc_seq_preamble(&e, true, false, 3, 0x3);
	mg_penc_constrained(&e, seq, 0, 255);
	mg_penc_oid(&e, h245_proto, 6);
	/* capabilityTable: one entry { number 1, receiveAudioCapability } */
	mg_penc_size(&e, 1, 1, 256, false);
	mg_penc_seq_preamble(&e, false, false, 1, 1);
	mg_penc_constrained(&e, 1, 1, 65535);
	mg_penc_choice(&e, 4, 12, true, false);
	g711_ulaw(&e);
	/* capabilityDescriptors: descriptor 0 = { { 1 } } */
	mg_penc_size(&e, 1, 1, 256, false);
	mg_penc_seq_preamble(&e, false, false, 1, 1);
	mg_penc_constrained(&e, 0, 0, 255);
	mg_penc_size(&e, 1, 1, 256, false); /* simultaneousCapabilities */
	mg_penc_size(&e, 1, 1, 256, false); /* AlternativeCapabilitySet */
	mg_penc_constrained(&e, 1, 1, 65535);
	return done(&e);
}

size_t mg_mc_enc_tcs_ack(uint8_t seq, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_RESPONSE, 3);
	mg_penc_seq_preamble(&e, true, false, 0, 0);
	mg_penc_constrained(&e, seq, 0, 255);
	return done(&e);
}

size_t mg_mc_enc_msd(uint8_t terminal_type, uint32_t number, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_REQUEST, 1);
	mg_penc_seq_preamble(&e, true, false, 0, 0);
	mg_penc_constrained(&e, terminal_type, 0, 255);
	mg_penc_constrained(&e, number, 0, 16777215);
	return done(&e);
}

size_t mg_mc_enc_msd_ack(bool decision_master, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_RESPONSE, 1);
	mg_penc_seq_preamble(&e, true, false, 0, 0);
	mg_penc_choice(&e, decision_master ? 0 : 1, 2, false, false);
	return done(&e);
}

/* CloseLogicalChannel { forwardLogicalChannelNumber, source user, ... } */
size_t mg_mc_enc_clc(uint16_t lcn, uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_REQUEST, 4);
	mg_penc_seq_preamble(&e, true, false, 0, 0);
	mg_penc_constrained(&e, lcn, 1, 65535);
	mg_penc_choice(&e, 0, 2, false, false);
	return done(&e);
}

/* EndSessionCommand disconnect. */
size_t mg_mc_enc_end_session(uint8_t *out, size_t cap)
{
	struct mg_penc e;
	mg_penc_init(&e, out, cap);
	msg_head(&e, MSG_COMMAND, 5);
	mg_penc_choice(&e, 1, 3, true, false);
	return done(&e);
}
