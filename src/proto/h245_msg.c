/* h245_msg.c - the record of each MultimediaSystemControlMessage walked: its
 * code, its encoding, its name, and the values of the small messages an
 * endpoint answers (terminalCapabilitySet and masterSlaveDetermination with
 * their Acks).  Those values are read from a copy of the cursor and a read
 * past the end only leaves has_values clear: the walk itself stops after
 * these messages and fails none of them for what follows their choice.
 */
#include "proto/h245.h"
#include "proto/walk.h"

void mg_h245_msg_begin(struct mg_walk *w, const struct mg_cur *c, bool ext, uint32_t cat)
{
	struct mg_h323_scan *s = w->s;

	if (s->n_h245_msg >= MG_H323_MAX_H245_MSGS) {
		s->n_h245_msg = MG_H323_MAX_H245_MSGS + 1; /* full: the rest are not recorded */
		return;
	}
	s->h245_msg[s->n_h245_msg++] = (struct mg_h245_msg){
		.off = (uint32_t)(c->buf - s->top),
		.len = (uint32_t)c->len,
		.code = (uint8_t)((ext ? 0x80u : 0u) | (cat & 3u) << 5),
		.container = w->container,
	};
}

/* The values of the messages an endpoint answers, from a copy of the cursor
 * at the message body. */
static void values(struct mg_h245_msg *m, struct mg_cur v)
{
	uint32_t opt;

	switch (m->code) {
	case MG_H245_MSG_MSD:
		(void)mg_per_seq_preamble(&v, true, 0, &opt);
		m->terminal_type = (uint8_t)mg_per_constrained(&v, 0, 255);
		m->msd_number = mg_per_constrained(&v, 0, 16777215);
		break;
	case MG_H245_MSG_TCS:
		(void)mg_per_seq_preamble(&v, true, 3, &opt);
		m->seq = (uint8_t)mg_per_constrained(&v, 0, 255);
		break;
	case MG_H245_MSG_MSD_ACK: /* decision CHOICE { master NULL, slave NULL } */
		(void)mg_per_seq_preamble(&v, true, 0, &opt);
		m->master = mg_per_constrained(&v, 0, 1) == 0;
		break;
	case MG_H245_MSG_TCS_ACK:
		(void)mg_per_seq_preamble(&v, true, 0, &opt);
		m->seq = (uint8_t)mg_per_constrained(&v, 0, 255);
		break;
	default:
		return;
	}
	m->has_values = !v.err;
}

void mg_h245_msg_alt(struct mg_walk *w, const struct mg_cur *c, bool ext, uint32_t alt)
{
	struct mg_h323_scan *s = w->s;
	if (s->n_h245_msg == 0 || s->n_h245_msg > MG_H323_MAX_H245_MSGS)
		return;
	struct mg_h245_msg *m = &s->h245_msg[s->n_h245_msg - 1];
	m->code = (uint8_t)((m->code & 0x60u) | (ext ? 0x80u : 0u) | (alt < 31 ? alt : 31u));
	values(m, *c);
}

const char *mg_h245_msg_name(uint8_t code)
{
	static const char *const req[] = {"nonStandard", "masterSlaveDetermination", "terminalCapabilitySet",
		"openLogicalChannel", "closeLogicalChannel", "requestChannelClose", "multiplexEntrySend",
		"requestMultiplexEntry", "requestMode", "roundTripDelayRequest", "maintenanceLoopRequest"};
	static const char *const resp[] = {"nonStandard", "masterSlaveDeterminationAck",
		"masterSlaveDeterminationReject", "terminalCapabilitySetAck", "terminalCapabilitySetReject",
		"openLogicalChannelAck", "openLogicalChannelReject", "closeLogicalChannelAck",
		"requestChannelCloseAck", "requestChannelCloseReject", "multiplexEntrySendAck",
		"multiplexEntrySendReject", "requestMultiplexEntryAck", "requestMultiplexEntryReject",
		"requestModeAck", "requestModeReject", "roundTripDelayResponse", "maintenanceLoopAck",
		"maintenanceLoopReject"};
	static const char *const cmd[] = {"nonStandard", "maintenanceLoopOffCommand",
		"sendTerminalCapabilitySet", "encryptionCommand", "flowControlCommand", "endSessionCommand",
		"miscellaneousCommand"};
	static const char *const ind[] = {"nonStandard", "functionNotUnderstood",
		"masterSlaveDeterminationRelease", "terminalCapabilitySetRelease", "openLogicalChannelConfirm",
		"requestChannelCloseRelease", "multiplexEntrySendRelease", "requestMultiplexEntryRelease",
		"requestModeRelease", "miscellaneousIndication", "jitterIndication", "h223SkewIndication",
		"newATMVCIndication", "userInput"};
	static const char *const ext[] = {"requestExtension", "responseExtension", "commandExtension",
		"indicationExtension"};
	static const char *const *const tab[] = {req, resp, cmd, ind};
	static const unsigned n[] = {11, 19, 7, 14};
	unsigned cat = (code >> 5) & 3u, i = code & 31u;
	if (code & 0x80u)
		return ext[cat];
	return i < n[cat] ? tab[cat][i] : "h245";
}

