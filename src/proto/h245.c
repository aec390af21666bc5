/* h245.c - H.245 entry points and MultimediaSystemControlMessage dispatch.
 *
 * Only the alternatives that carry a transport address or an event the ALG
 * acts on are decoded.  A root alternative that is not one of them is the
 * last thing in the message, so the walk stops there; an extension
 * alternative is an open type and is skipped by its length.  Every message
 * is recorded in the scan on the way (h245_msg.c).
 */
#include <stdint.h>

#include "proto/h245.h"
#include "proto/walk.h"

bool mg_h245_event(struct mg_walk *w)
{
	struct mg_h323_scan *s = w->s;
	if (s->n_ev >= MG_H323_MAX_EVENTS)
		return mg_walk_fail(w, MG_R_ALG_LIMIT, "h245 event count");
	struct mg_h245_event *e = &s->ev[s->n_ev++];
	e->kind = w->kind;
	e->container = w->container;
	e->lcn = w->lcn;
	return true;
}

/* A message body that is just forwardLogicalChannelNumber first
 * (OpenLogicalChannelReject, CloseLogicalChannel): one event with the lcn. */
static bool lcn_event(struct mg_walk *w, struct mg_cur *c, uint8_t kind, const char *where)
{
	uint32_t opt;
	w->kind = kind;
	(void)mg_per_seq_preamble(c, true, 0, &opt);
	w->lcn = (uint16_t)mg_per_constrained(c, 1, 65535);
	return mg_walk_ok(w, c, where) && mg_h245_event(w);
}

/* Walk the open type of an extension alternative with `fn`, or skip it. */
static bool extension_alt(struct mg_walk *w, struct mg_cur *c, uint8_t kind, mg_walk_fn fn, const char *where)
{
	if (fn != NULL)
		w->kind = kind;
	return mg_walk_open(w, c, fn, where);
}

/* CommunicationModeResponse ::= CHOICE { communicationModeTable ..., ... } */
static bool comm_mode_resp(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 1, true, &ext);
	if (!mg_walk_ok(w, c, "communicationModeResponse") || !mg_h245_event(w))
		return false;
	return ext || i != 0 || mg_h245_comm_mode_table(w, c);
}

/* CommunicationModeCommand ::= SEQUENCE { communicationModeTable ..., ... } */
static bool comm_mode_cmd(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	(void)mg_per_seq_preamble(c, true, 0, &opt);
	if (!mg_walk_ok(w, c, "communicationModeCommand") || !mg_h245_event(w))
		return false;
	return mg_h245_comm_mode_table(w, c);
}

/* MCLocationIndication ::= SEQUENCE { signalAddress TransportAddress, ... } */
static bool mc_location(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	(void)mg_per_seq_preamble(c, true, 0, &opt);
	w->part = MG_OLC_NONE;
	return mg_walk_ok(w, c, "mcLocationIndication") && mg_h245_transport_addr(w, c, MG_F_MC_SIGNAL);
}

static bool request(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 11, true, &ext);
	if (!mg_walk_ok(w, c, "RequestMessage"))
		return false;
	mg_h245_msg_alt(w, c, ext, i);
	if (ext)
		return extension_alt(w, c, MG_H245_OTHER, NULL, "RequestMessage extension");
	if (i == 3) {
		w->kind = MG_H245_OLC;
		return mg_h245_olc(w, c);
	}
	if (i == 4)
		return lcn_event(w, c, MG_H245_CLC, "closeLogicalChannel");
	return true;
}

static bool response(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 19, true, &ext);
	if (!mg_walk_ok(w, c, "ResponseMessage"))
		return false;
	mg_h245_msg_alt(w, c, ext, i);
	if (ext)
		return extension_alt(w, c, MG_H245_COMM_MODE_RESP, i == 0 ? comm_mode_resp : NULL,
				     "ResponseMessage extension");
	if (i == 5) {
		w->kind = MG_H245_OLC_ACK;
		return mg_h245_olc_ack(w, c);
	}
	if (i == 6)
		return lcn_event(w, c, MG_H245_OLC_REJECT, "openLogicalChannelReject");
	return true;
}

static bool command(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 7, true, &ext);
	if (!mg_walk_ok(w, c, "CommandMessage"))
		return false;
	mg_h245_msg_alt(w, c, ext, i);
	if (ext)
		return extension_alt(w, c, MG_H245_COMM_MODE_CMD, i == 0 ? comm_mode_cmd : NULL,
				     "CommandMessage extension");
	if (i == 5) { /* endSessionCommand */
		w->kind = MG_H245_END_SESSION;
		w->lcn = 0;
		return mg_h245_event(w);
	}
	return true;
}

static bool indication(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 14, true, &ext);
	if (!mg_walk_ok(w, c, "IndicationMessage"))
		return false;
	mg_h245_msg_alt(w, c, ext, i);
	if (ext)
		return extension_alt(w, c, MG_H245_MC_LOCATION, i == 1 ? mc_location : NULL,
				     "IndicationMessage extension");
	return true;
}

static bool message(struct mg_walk *w, struct mg_cur *c)
{
	bool ext;
	uint32_t i = mg_per_choice(c, 4, true, &ext);
	if (!mg_walk_ok(w, c, "MultimediaSystemControlMessage"))
		return false;
	mg_h245_msg_begin(w, c, ext, i);
	if (ext)
		return extension_alt(w, c, MG_H245_OTHER, NULL, "MultimediaSystemControlMessage extension");
	switch (i) {
	case 0:
		return request(w, c);
	case 1:
		return response(w, c);
	case 2:
		return command(w, c);
	default:
		return indication(w, c);
	}
}

static enum mg_reason scan(struct mg_h323_scan *s, const uint8_t *buf, size_t len, uint8_t container,
			   bool (*body)(struct mg_walk *, struct mg_cur *), uint8_t kind)
{
	struct mg_walk w = {.s = s, .bad = MG_R_ALG_H245_BAD, .reason = MG_R_NONE, .container = container,
			    .kind = kind};
	uintptr_t top = (uintptr_t)s->top, b = (uintptr_t)buf;
	/* Offsets are taken from s->top: refuse a buffer outside it. */
	if (buf == NULL || s->top == NULL || b < top || b - top > s->top_len || len > s->top_len - (b - top)) {
		mg_walk_fail(&w, MG_R_ALG_H245_BAD, "h245 buffer outside the scanned message");
		return w.reason;
	}
	unsigned depth = s->depth;
	if (mg_walk_enter(&w, "h245 message")) {
		struct mg_cur c;
		mg_cur_init(&c, buf, len);
		(void)body(&w, &c);
	}
	s->depth = depth;
	return w.reason;
}

enum mg_reason mg_h245_scan_msg(struct mg_h323_scan *s, const uint8_t *buf, size_t len, uint8_t container)
{
	return scan(s, buf, len, container, message, MG_H245_OTHER);
}

enum mg_reason mg_h245_scan_olc(struct mg_h323_scan *s, const uint8_t *buf, size_t len, uint8_t container)
{
	return scan(s, buf, len, container, mg_h245_olc, MG_H245_OLC);
}
