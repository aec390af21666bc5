/* h245_olc.c - OpenLogicalChannel and OpenLogicalChannelAck.
 *
 * Paths walked (everything else is skipped by its encoding):
 *   OLC.forwardLogicalChannelParameters / reverseLogicalChannelParameters
 *       .dataType (media kind) .multiplexParameters.h2250LogicalChannelParameters
 *       .{sessionID, mediaChannel, mediaControlChannel}
 *   OLC.separateStack.networkAddress.localAreaAddress          (extension 0)
 *   OLCAck.reverseLogicalChannelParameters.multiplexParameters.h2250...
 *   OLCAck.separateStack                                       (extension 0)
 *   OLCAck.forwardMultiplexAckParameters.h2250LogicalChannelAckParameters
 *       .{sessionID, mediaChannel, mediaControlChannel}        (extension 1)
 * h2250LogicalChannelParameters is an extension alternative of every
 * multiplexParameters CHOICE, so it always arrives as an open type.
 */
#include "proto/walk.h"

/* H2250LogicalChannelParameters: 10 optional root components. */
static bool h2250_params(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 10, &opt);
	if (opt & (1u << 9))
		mg_h245_skip_nonstd_list(c);
	w->session_id = (uint8_t)mg_per_constrained(c, 0, 255);
	if (opt & (1u << 8))
		(void)mg_per_constrained(c, 1, 255); /* associatedSessionID */
	if (!mg_walk_ok(w, c, "h2250LogicalChannelParameters sessionID"))
		return false;
	if ((opt & (1u << 7)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA))
		return false;
	if (opt & (1u << 6))
		mg_cur_skip_bits(c, 1); /* mediaGuaranteedDelivery */
	if ((opt & (1u << 5)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA_CTRL))
		return false;
	mg_cur_skip_bits(c, ((opt >> 4) & 1u) + ((opt >> 3) & 1u)); /* two BOOLEANs */
	if (opt & (1u << 2))
		mg_h245_skip_terminal_label(c); /* destination */
	if (opt & (1u << 1))
		(void)mg_per_constrained(c, 96, 127); /* dynamicRTPPayloadType */
	if (opt & 1u) {                               /* mediaPacketization */
		bool mext;
		(void)mg_per_choice(c, 1, true, &mext);
		if (mext)
			mg_per_skip_open_type(c);
	}
	if (ext)
		mg_per_skip_extensions(c);
	return mg_walk_ok(w, c, "h2250LogicalChannelParameters");
}

/* H2250LogicalChannelAckParameters: 5 optional root components. */
static bool h2250_ack_params(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool ext = mg_per_seq_preamble(c, true, 5, &opt);
	if (opt & (1u << 4))
		mg_h245_skip_nonstd_list(c);
	if (opt & (1u << 3))
		w->session_id = (uint8_t)mg_per_constrained(c, 1, 255);
	if (!mg_walk_ok(w, c, "h2250LogicalChannelAckParameters sessionID"))
		return false;
	if ((opt & (1u << 2)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA))
		return false;
	if ((opt & (1u << 1)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA_CTRL))
		return false;
	if (opt & 1u)
		(void)mg_per_constrained(c, 96, 127);
	if (ext)
		mg_per_skip_extensions(c);
	return mg_walk_ok(w, c, "h2250LogicalChannelAckParameters");
}

/* The open type holding extension alternative `idx` of a multiplexParameters
 * CHOICE: index 0 is h2250LogicalChannelParameters in every one of them. */
static bool mux_extension(struct mg_walk *w, struct mg_cur *c, uint32_t idx)
{
	return mg_walk_open(w, c, idx == 0 ? h2250_params : NULL, "multiplexParameters extension");
}

/* multiplexParameters: `nroot` root alternatives, `skip_root[i]` steps over
 * root alternative i (NULL: a NULL alternative). */
typedef void (*mux_skip_fn)(struct mg_cur *c);

static bool mux_params(struct mg_walk *w, struct mg_cur *c, uint32_t nroot, const mux_skip_fn *skip_root)
{
	bool ext;
	uint32_t i = mg_per_choice(c, nroot, true, &ext);
	if (!mg_walk_ok(w, c, "multiplexParameters"))
		return false;
	if (ext)
		return mux_extension(w, c, i);
	skip_root[i](c);
	return mg_walk_ok(w, c, "multiplexParameters root");
}

static const mux_skip_fn olc_fwd_mux[3] = {mg_h245_skip_h222_params, mg_h245_skip_h223_params,
					   mg_h245_skip_v76_params};
static const mux_skip_fn olc_rev_mux[2] = {mg_h245_skip_h223_params, mg_h245_skip_v76_params};
static const mux_skip_fn ack_rev_mux[1] = {mg_h245_skip_h222_params};

/* NetworkAccessParameters: only localAreaAddress carries a TransportAddress. */
static bool network_access(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, qopt, n;
	bool ext, aext;
	bool e = mg_per_seq_preamble(c, true, 2, &opt);
	if (opt & 2u) { /* distribution CHOICE { unicast NULL, multicast NULL, ... } */
		(void)mg_per_choice(c, 2, true, &aext);
		if (aext)
			mg_per_skip_open_type(c);
	}
	uint32_t i = mg_per_choice(c, 3, true, &ext); /* networkAddress */
	if (!mg_walk_ok(w, c, "separateStack networkAddress"))
		return false;
	if (ext) {
		mg_per_skip_open_type(c);
	} else if (i == 0) { /* q2931Address { address CHOICE, subaddress OPTIONAL, ... } */
		bool qe = mg_per_seq_preamble(c, true, 1, &qopt);
		uint32_t a = mg_per_choice(c, 2, true, &aext);
		if (aext)
			mg_per_skip_open_type(c);
		else if (a == 0)
			mg_per_skip_chars(c, 1, 16, false, 4); /* NumericString */
		else
			(void)mg_per_octets(c, 1, 20, false, &n);
		if (qopt)
			(void)mg_per_octets(c, 1, 20, false, &n);
		if (qe)
			mg_per_skip_extensions(c);
	} else if (i == 1) { /* e164Address IA5String (SIZE(1..128)) FROM 13 characters: 4 bits */
		mg_per_skip_chars(c, 1, 128, false, 4);
	} else if (!mg_h245_transport_addr(w, c, MG_F_T120)) {
		return false;
	}
	mg_cur_skip_bits(c, 1); /* associateConference */
	if (opt & 1u)
		(void)mg_per_octets(c, 1, 255, false, &n); /* externalReference */
	if (e)
		mg_per_skip_extensions(c);
	return mg_walk_ok(w, c, "separateStack");
}

/* separateStack, an extension addition (OLC and OLCAck): its open type. */
static bool separate_stack(struct mg_walk *w, struct mg_cur *sub)
{
	w->part = MG_OLC_SEPARATE;
	w->session_id = 0;
	return network_access(w, sub);
}

/* OpenLogicalChannel extension additions: 0 separateStack. */
static bool olc_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	return idx == 0 ? separate_stack(w, sub) : true;
}

bool mg_h245_olc(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, fopt, ropt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	w->lcn = (uint16_t)mg_per_constrained(c, 1, 65535);
	if (!mg_walk_ok(w, c, "OLC forwardLogicalChannelNumber") || !mg_h245_event(w))
		return false;

	bool fext = mg_per_seq_preamble(c, true, 1, &fopt);
	if (fopt)
		(void)mg_per_constrained(c, 0, 65535); /* portNumber */
	uint8_t fwd_media = mg_h245_data_type(c);
	if (!mg_walk_ok(w, c, "OLC forward dataType"))
		return false;
	w->part = MG_OLC_FORWARD;
	w->media = fwd_media;
	w->session_id = 0;
	if (!mux_params(w, c, 3, olc_fwd_mux))
		return false;
	if (fext)
		mg_per_skip_extensions(c);
	if (!mg_walk_ok(w, c, "OLC forward extensions"))
		return false;

	if (opt) {
		bool rext = mg_per_seq_preamble(c, true, 1, &ropt);
		uint8_t rev_media = mg_h245_data_type(c);
		if (!mg_walk_ok(w, c, "OLC reverse dataType"))
			return false;
		w->part = MG_OLC_REVERSE;
		w->media = rev_media;
		w->session_id = 0;
		if (ropt && !mux_params(w, c, 2, olc_rev_mux))
			return false;
		if (rext)
			mg_per_skip_extensions(c);
		if (!mg_walk_ok(w, c, "OLC reverse extensions"))
			return false;
	}

	if (!ext)
		return true;
	w->media = fwd_media;
	return mg_walk_exts(w, c, olc_ext, "OLC extensions");
}

/* forwardMultiplexAckParameters CHOICE { h2250LogicalChannelAckParameters, ... } */
static bool fwd_mux_ack(struct mg_walk *w, struct mg_cur *sub)
{
	bool ext;
	uint32_t i = mg_per_choice(sub, 1, true, &ext);
	if (!mg_walk_ok(w, sub, "forwardMultiplexAckParameters"))
		return false;
	if (ext || i != 0)
		return true;
	w->part = MG_OLC_ACK_FWD;
	w->media = MG_MEDIA_UNKNOWN;
	w->session_id = 0;
	return h2250_ack_params(w, sub);
}

/* OpenLogicalChannelAck extension additions: 0 separateStack,
 * 1 forwardMultiplexAckParameters. */
static bool olc_ack_ext(struct mg_walk *w, unsigned idx, struct mg_cur *sub)
{
	if (idx == 0)
		return separate_stack(w, sub);
	return idx == 1 ? fwd_mux_ack(w, sub) : true;
}

bool mg_h245_olc_ack(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt, ropt;
	bool ext = mg_per_seq_preamble(c, true, 1, &opt);
	w->lcn = (uint16_t)mg_per_constrained(c, 1, 65535);
	if (!mg_walk_ok(w, c, "OLCAck forwardLogicalChannelNumber") || !mg_h245_event(w))
		return false;

	if (opt) {
		bool rext = mg_per_seq_preamble(c, true, 2, &ropt);
		(void)mg_per_constrained(c, 1, 65535); /* reverseLogicalChannelNumber */
		if (ropt & 2u)
			(void)mg_per_constrained(c, 0, 65535); /* portNumber */
		if (!mg_walk_ok(w, c, "OLCAck reverseLogicalChannelParameters"))
			return false;
		w->part = MG_OLC_ACK_REV;
		w->media = MG_MEDIA_UNKNOWN;
		w->session_id = 0;
		if ((ropt & 1u) && !mux_params(w, c, 1, ack_rev_mux))
			return false;
		if (rext)
			mg_per_skip_extensions(c);
		if (!mg_walk_ok(w, c, "OLCAck reverse extensions"))
			return false;
	}

	if (!ext)
		return true;
	w->media = MG_MEDIA_UNKNOWN;
	return mg_walk_exts(w, c, olc_ack_ext, "OLCAck extensions");
}
