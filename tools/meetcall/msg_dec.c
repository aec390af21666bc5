/* msg_dec.c - decoding what a peer sends, with the project's walkers.
 *
 * mg_q931_scan validates a whole Q.931 message and reports everything an
 * endpoint needs: message type, call reference, callIdentifier, addresses,
 * H.245 events, and each tunnelled H.245 message with its encoding (which
 * an endpoint must answer).  mg_h245_scan_msg does the same for one H.245
 * message, values of the small ones included.  Nothing is parsed here.
 */
#include <string.h>

#include "meetcall/mc_msg.h"
#include "proto/h245.h"
#include "proto/q931.h"

enum mg_reason mg_mc_dec_q931(struct mg_mc_in *in, const uint8_t *msg, size_t len)
{
	const struct mg_h323_scan *s = &in->scan;

	mg_h323_scan_init(&in->scan, msg, len);
	in->n_h245 = 0;
	enum mg_reason r = mg_q931_scan(&in->scan, msg, len);
	if (r != MG_R_NONE || !s->has_uuie)
		return r;
	/* every h245Control element was walked as one message, so each has a
	 * record unless there were too many to keep */
	if (s->n_tunnel > MG_MC_MAX_BLOBS || s->n_h245_msg > MG_H323_MAX_H245_MSGS) {
		in->scan.err = MG_R_ALG_LIMIT;
		in->scan.err_where = "h323-uu-pdu.h245Control";
		return MG_R_ALG_LIMIT;
	}
	for (unsigned i = 0; i < s->n_h245_msg; i++) {
		const struct mg_h245_msg *m = &s->h245_msg[i];
		if (m->container != MG_C_TUNNEL)
			continue;
		in->h245[in->n_h245].p = s->top + m->off;
		in->h245[in->n_h245].n = m->len;
		in->n_h245++;
	}
	return MG_R_NONE;
}

static enum mg_mc_h245_type type_of(uint8_t code)
{
	switch (code) {
	case MG_H245_MSG_MSD:
		return MG_MC_H245_MSD;
	case MG_H245_MSG_TCS:
		return MG_MC_H245_TCS;
	case MG_H245_MSG_MSD_ACK:
		return MG_MC_H245_MSD_ACK;
	case MG_H245_MSG_TCS_ACK:
		return MG_MC_H245_TCS_ACK;
	case MG_H245_MSG_OLC:
		return MG_MC_H245_OLC;
	case MG_H245_MSG_CLC:
		return MG_MC_H245_CLC;
	case MG_H245_MSG_OLC_ACK:
		return MG_MC_H245_OLC_ACK;
	case MG_H245_MSG_OLC_REJECT:
		return MG_MC_H245_OLC_REJECT;
	case MG_H245_MSG_END_SESSION:
		return MG_MC_H245_END_SESSION;
	default:
		return MG_MC_H245_OTHER;
	}
}

enum mg_reason mg_mc_dec_h245(struct mg_mc_h245_in *in, const uint8_t *buf, size_t len, uint8_t container)
{
	memset(in, 0, sizeof *in);
	mg_h323_scan_init(&in->scan, buf, len);
	enum mg_reason r = mg_h245_scan_msg(&in->scan, buf, len, container);
	if (r != MG_R_NONE)
		return r;
	if (in->scan.n_h245_msg != 1)
		return MG_R_ALG_H245_BAD;
	const struct mg_h245_msg *m = &in->scan.h245_msg[0];
	in->type = type_of(m->code);
	switch (in->type) {
	case MG_MC_H245_MSD:
	case MG_MC_H245_TCS:
	case MG_MC_H245_MSD_ACK:
	case MG_MC_H245_TCS_ACK:
		/* an endpoint answers these with their values: cut short is malformed */
		if (!m->has_values) {
			in->type = MG_MC_H245_OTHER;
			return MG_R_ALG_H245_BAD;
		}
		break;
	default:
		break;
	}
	in->seq = m->seq;
	in->terminal_type = m->terminal_type;
	in->msd_number = m->msd_number;
	in->decision_master = m->master;
	return MG_R_NONE;
}

const struct mg_h323_addr *mg_mc_find_addr(const struct mg_h323_scan *s, uint8_t field, uint8_t part,
					   uint8_t container)
{
	return mg_h323_scan_find(s, field, part, container);
}
