/* h245_mode.c - communicationModeTable (communicationModeCommand and
 * communicationModeResponse): each CommunicationModeTableEntry may carry a
 * mediaChannel and a mediaControlChannel.
 */
#include "proto/walk.h"

/* CommunicationModeTableEntry: 7 optional root components. */
static bool entry(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t opt;
	bool dext;
	bool ext = mg_per_seq_preamble(c, true, 7, &opt);
	if (opt & (1u << 6))
		mg_h245_skip_nonstd_list(c);
	w->session_id = (uint8_t)mg_per_constrained(c, 1, 255);
	if (opt & (1u << 5))
		(void)mg_per_constrained(c, 1, 255); /* associatedSessionID */
	if (opt & (1u << 4))
		mg_h245_skip_terminal_label(c);
	mg_per_skip_chars(c, 1, 128, false, 16); /* sessionDescription BMPString */
	/* dataType CHOICE { videoData, audioData, data, ... } */
	uint32_t d = mg_per_choice(c, 3, true, &dext);
	if (!mg_walk_ok(w, c, "communicationModeTableEntry dataType"))
		return false;
	if (dext) {
		mg_per_skip_open_type(c);
		w->media = MG_MEDIA_UNKNOWN;
	} else if (d == 0) {
		mg_h245_skip_video_cap(c);
		w->media = MG_MEDIA_VIDEO;
	} else if (d == 1) {
		mg_h245_skip_audio_cap(c);
		w->media = MG_MEDIA_AUDIO;
	} else {
		mg_h245_skip_data_cap(c);
		w->media = MG_MEDIA_DATA;
	}
	if (!mg_walk_ok(w, c, "communicationModeTableEntry dataType"))
		return false;
	if ((opt & (1u << 3)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA))
		return false;
	if (opt & (1u << 2))
		mg_cur_skip_bits(c, 1);
	if ((opt & (1u << 1)) && !mg_h245_transport_addr(w, c, MG_F_MEDIA_CTRL))
		return false;
	if (opt & 1u)
		mg_cur_skip_bits(c, 1);
	if (ext)
		mg_per_skip_extensions(c);
	return mg_walk_ok(w, c, "communicationModeTableEntry");
}

bool mg_h245_comm_mode_table(struct mg_walk *w, struct mg_cur *c)
{
	uint32_t n = mg_per_size(c, 1, 256, false); /* SET SIZE(1..256) OF */
	if (!mg_walk_ok(w, c, "communicationModeTable"))
		return false;
	w->part = MG_OLC_COMM_MODE;
	w->lcn = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!entry(w, c))
			return false;
	return true;
}
