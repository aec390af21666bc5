/* test_h245.c - the H.245 walker on real ooh323c messages and on synthetic
 * encodings of the paths the captures do not exercise.
 *
 * Expected values come from the capture MANIFEST (tshark's decode of the same
 * bytes).  Every scan input is re-placed right before a guard page.
 */
#include <string.h>
#include "harness.h"

#include <stdbool.h>
#include <stdlib.h>

#include "proto/h245.h"

struct item {
	unsigned off, len;
};

/* plain-default-inside.pcap frame 4: A->B Setup TCP payload (TPKT, Q.931,
 * UUIE) with four fastStart OpenLogicalChannels at the offsets listed below. */
static const uint8_t setup_seg[290] = {
	0x03, 0x00, 0x01, 0x22, 0x08, 0x02, 0x00, 0x05, 0x05, 0x04, 0x03, 0x88,
	0xc0, 0xa5, 0x28, 0x0b, 0x6f, 0x62, 0x6a, 0x73, 0x79, 0x73, 0x63, 0x61,
	0x6c, 0x6c, 0x00, 0x7e, 0x01, 0x04, 0x05, 0x20, 0x88, 0x06, 0x00, 0x08,
	0x91, 0x4a, 0x00, 0x04, 0x22, 0xc0, 0xb5, 0x00, 0x00, 0x36, 0x05, 0x6f,
	0x62, 0x6a, 0x73, 0x79, 0x73, 0x05, 0x76, 0x30, 0x2e, 0x39, 0x2e, 0x34,
	0x00, 0xc6, 0x13, 0x00, 0x14, 0x06, 0xb8, 0x00, 0x6f, 0x6f, 0x68, 0x33,
	0x32, 0x33, 0x63, 0x2d, 0x1b, 0x14, 0xb4, 0x0e, 0xca, 0x3f, 0x00, 0xfe,
	0x00, 0xd5, 0x1d, 0x98, 0x00, 0x07, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x2e,
	0xfe, 0x11, 0x00, 0x6f, 0x6f, 0x68, 0x33, 0x32, 0x33, 0x63, 0x2d, 0x1b,
	0x14, 0xb4, 0x0e, 0xca, 0x3f, 0x00, 0xfe, 0x80, 0x9d, 0x04, 0x1d, 0x40,
	0x03, 0xe8, 0x06, 0x04, 0x01, 0x00, 0x4c, 0x60, 0xef, 0x80, 0x11, 0x14,
	0x00, 0x01, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x13, 0x88, 0x00, 0xc6, 0x12,
	0x01, 0x0a, 0x13, 0x89, 0x12, 0x00, 0x03, 0xe9, 0x0c, 0x60, 0x1d, 0x80,
	0x0a, 0x04, 0x00, 0x01, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x13, 0x89, 0x3a,
	0x40, 0x03, 0xea, 0x06, 0x04, 0x01, 0x00, 0x4a, 0x00, 0x1d, 0x60, 0x00,
	0x07, 0x00, 0x08, 0x81, 0x71, 0x00, 0x00, 0x01, 0x40, 0x28, 0x00, 0x04,
	0x02, 0x91, 0x40, 0x02, 0xa2, 0x00, 0x47, 0x00, 0x62, 0x02, 0x9b, 0x00,
	0xa2, 0x00, 0x0d, 0x80, 0x11, 0x14, 0x00, 0x02, 0x00, 0xc6, 0x12, 0x01,
	0x0a, 0x17, 0x70, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x17, 0x71, 0x2f, 0x00,
	0x03, 0xeb, 0x0a, 0x00, 0x1d, 0x60, 0x00, 0x07, 0x00, 0x08, 0x81, 0x71,
	0x00, 0x00, 0x01, 0x40, 0x28, 0x00, 0x04, 0x02, 0x91, 0x40, 0x02, 0xa2,
	0x00, 0x47, 0x00, 0x62, 0x02, 0x9b, 0x00, 0xa2, 0x00, 0x0d, 0x80, 0x0a,
	0x04, 0x00, 0x02, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x36, 0xcf, 0x01, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x80,
	0x01, 0x80,
};
static const struct item setup_seg_items[] = {{119, 29}, {149, 18}, {168, 58}, {227, 47}};

/* plain-default-inside.pcap frame 12: B->A Alerting with four fastStart answers. */
static const uint8_t alerting_seg[250] = {
	0x03, 0x00, 0x00, 0xfa, 0x08, 0x02, 0x80, 0x05, 0x01, 0x28, 0x0b, 0x6f,
	0x62, 0x6a, 0x73, 0x79, 0x73, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x7e, 0x00,
	0xe1, 0x05, 0x23, 0x80, 0x06, 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04, 0x22,
	0xc0, 0xb5, 0x00, 0x00, 0x36, 0x05, 0x6f, 0x62, 0x6a, 0x73, 0x79, 0x73,
	0x05, 0x76, 0x30, 0x2e, 0x39, 0x2e, 0x34, 0x01, 0xb1, 0xf8, 0x00, 0x11,
	0x00, 0x6f, 0x6f, 0x68, 0x33, 0x32, 0x33, 0x63, 0x2d, 0x1b, 0x14, 0xb4,
	0x0e, 0xca, 0x3f, 0x00, 0xfe, 0x80, 0x9d, 0x04, 0x16, 0x40, 0x03, 0xe8,
	0x06, 0x04, 0x01, 0x00, 0x4c, 0x60, 0xef, 0x80, 0x0a, 0x04, 0x00, 0x01,
	0x00, 0xc6, 0x13, 0x00, 0x14, 0x13, 0x89, 0x19, 0x00, 0x03, 0xe9, 0x0c,
	0x60, 0x1d, 0x80, 0x11, 0x14, 0x00, 0x01, 0x00, 0xc6, 0x13, 0x00, 0x14,
	0x13, 0x88, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x13, 0x89, 0x33, 0x40, 0x03,
	0xe9, 0x06, 0x04, 0x01, 0x00, 0x4a, 0x00, 0x1d, 0x60, 0x00, 0x07, 0x00,
	0x08, 0x81, 0x71, 0x00, 0x00, 0x01, 0x40, 0x28, 0x00, 0x04, 0x02, 0x91,
	0x40, 0x02, 0xa2, 0x00, 0x47, 0x00, 0x62, 0x02, 0x9b, 0x00, 0xa2, 0x00,
	0x0d, 0x80, 0x0a, 0x04, 0x00, 0x02, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x36,
	0xcf, 0x36, 0x00, 0x03, 0xeb, 0x0a, 0x00, 0x1d, 0x60, 0x00, 0x07, 0x00,
	0x08, 0x81, 0x71, 0x00, 0x00, 0x01, 0x40, 0x28, 0x00, 0x04, 0x02, 0x91,
	0x40, 0x02, 0xa2, 0x00, 0x47, 0x00, 0x62, 0x02, 0x9b, 0x00, 0xa2, 0x00,
	0x0d, 0x80, 0x11, 0x14, 0x00, 0x02, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x17,
	0x70, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x17, 0x71, 0x01, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x80, 0x01, 0x80,
};
static const struct item alerting_seg_items[] = {{81, 22}, {104, 25}, {130, 51}, {182, 54}};

/* plain-nofaststart-inside.pcap frame 20: A->B Facility, h245Control = OLC. */
static const uint8_t tun_olc_seg[85] = {
	0x03, 0x00, 0x00, 0x55, 0x08, 0x02, 0x00, 0x40, 0x62, 0x28, 0x0b, 0x6f,
	0x62, 0x6a, 0x73, 0x79, 0x73, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x7e, 0x00,
	0x3c, 0x05, 0x26, 0x80, 0x06, 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04, 0x86,
	0x01, 0x00, 0x1f, 0x00, 0x00, 0x11, 0x00, 0x6f, 0x6f, 0x68, 0x33, 0x32,
	0x33, 0x63, 0x2d, 0xf2, 0x71, 0xb9, 0x0e, 0xca, 0x3f, 0x00, 0x38, 0x10,
	0xc0, 0x01, 0x80, 0x15, 0x01, 0x13, 0x03, 0x00, 0x03, 0xe8, 0x0c, 0x60,
	0x1d, 0x80, 0x0a, 0x04, 0x00, 0x01, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x13,
	0x89,
};
static const struct item tun_olc_seg_items[] = {{66, 19}};

/* plain-nofaststart-inside.pcap frame 22: A->B Facility, h245Control = OLCAck. */
static const uint8_t tun_ack_seg[89] = {
	0x03, 0x00, 0x00, 0x59, 0x08, 0x02, 0x00, 0x40, 0x62, 0x28, 0x0b, 0x6f,
	0x62, 0x6a, 0x73, 0x79, 0x73, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x7e, 0x00,
	0x40, 0x05, 0x26, 0x80, 0x06, 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04, 0x86,
	0x01, 0x00, 0x1f, 0x00, 0x00, 0x11, 0x00, 0x6f, 0x6f, 0x68, 0x33, 0x32,
	0x33, 0x63, 0x2d, 0xf2, 0x71, 0xb9, 0x0e, 0xca, 0x3f, 0x00, 0x38, 0x10,
	0xc0, 0x01, 0x80, 0x19, 0x01, 0x17, 0x22, 0xc0, 0x03, 0xe8, 0x06, 0x80,
	0x10, 0x1c, 0x00, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x13, 0x88, 0x00, 0xc6,
	0x12, 0x01, 0x0a, 0x13, 0x89,
};
static const struct item tun_ack_seg_items[] = {{66, 23}};

/* plain-nofaststart-notunnel-inside.pcap, separate H.245 channel (TPKT
 * framed): frame 15 terminalCapabilitySet (A->B). */
static const uint8_t sep_tcs[98] = {
	0x03, 0x00, 0x00, 0x62, 0x02, 0x30, 0x01, 0x06, 0x00, 0x08, 0x81, 0x75,
	0x00, 0x08, 0x04, 0x80, 0x00, 0x00, 0x20, 0xc0, 0xef, 0x80, 0x00, 0x01,
	0x0c, 0x00, 0x1d, 0x60, 0x00, 0x07, 0x00, 0x08, 0x81, 0x71, 0x00, 0x00,
	0x01, 0x40, 0x28, 0x00, 0x04, 0x02, 0x91, 0x40, 0x02, 0xa2, 0x00, 0x47,
	0x00, 0x62, 0x02, 0x9b, 0x00, 0xa2, 0x00, 0x0d, 0x80, 0x00, 0x02, 0x8a,
	0x06, 0x14, 0x04, 0x30, 0x2d, 0x31, 0x36, 0x80, 0x00, 0x03, 0x83, 0x01,
	0x10, 0x80, 0x00, 0x04, 0x83, 0x01, 0x40, 0x00, 0x80, 0x01, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00,
	0x00, 0x04,
};

/* frame 28: B->A openLogicalChannel. */
static const uint8_t sep_olc_b[23] = {
	0x03, 0x00, 0x00, 0x17, 0x03, 0x00, 0x03, 0xe8, 0x0c, 0x60, 0x1d, 0x80,
	0x0a, 0x04, 0x00, 0x01, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x13, 0x89,
};

/* frame 29: A->B, one segment holding two TPKTs: masterSlaveDeterminationAck,
 * openLogicalChannel. */
static const uint8_t sep_msdack_olc_a[29] = {
	0x03, 0x00, 0x00, 0x06, 0x20, 0x80, 0x03, 0x00, 0x00, 0x17, 0x03, 0x00,
	0x03, 0xe8, 0x0c, 0x60, 0x1d, 0x80, 0x0a, 0x04, 0x00, 0x01, 0x00, 0xc6,
	0x12, 0x01, 0x0a, 0x13, 0x89,
};

/* frame 30: B->A openLogicalChannelAck. */
static const uint8_t sep_ack_b[27] = {
	0x03, 0x00, 0x00, 0x1b, 0x22, 0xc0, 0x03, 0xe8, 0x06, 0x80, 0x10, 0x1c,
	0x00, 0x00, 0xc6, 0x13, 0x00, 0x14, 0x13, 0x88, 0x00, 0xc6, 0x13, 0x00,
	0x14, 0x13, 0x89,
};

/* frame 31: A->B openLogicalChannelAck. */
static const uint8_t sep_ack_a[27] = {
	0x03, 0x00, 0x00, 0x1b, 0x22, 0xc0, 0x03, 0xe8, 0x06, 0x80, 0x10, 0x1c,
	0x00, 0x00, 0xc6, 0x12, 0x01, 0x0a, 0x13, 0x88, 0x00, 0xc6, 0x12, 0x01,
	0x0a, 0x13, 0x89,
};

/* frame 334: A->B endSessionCommand. */
static const uint8_t sep_end[6] = {
	0x03, 0x00, 0x00, 0x06, 0x4a, 0x40,
};

/* ---- helpers --------------------------------------------------------- */

static void scan_reset(struct mg_h323_scan *s, const uint8_t *top, size_t len)
{
	mg_h323_scan_init(s, top, len);
}

/* A guarded copy of a whole segment; scans use offsets into it. */
struct seg {
	uint8_t *p;
	size_t n;
};

static struct seg seg_open(const uint8_t *bytes, size_t n)
{
	struct seg g = {t_guarded(bytes, n), n};
	return g;
}

static void seg_close(struct seg g)
{
	t_guarded_free(g.p, g.n);
}

/* Does addr a say ip:port, and do the 6 bytes at top+off really hold it? */
static bool addr_is(const struct mg_h323_scan *s, unsigned i, const uint8_t ip[4], uint16_t port)
{
	if (i >= s->n_addr)
		return false;
	const struct mg_h323_addr *a = &s->addr[i];
	if (a->family != 4 || memcmp(a->ip, ip, 4) != 0 || a->port != port || a->off + 6 > s->top_len)
		return false;
	const uint8_t *p = s->top + a->off;
	return memcmp(p, ip, 4) == 0 && p[4] == (port >> 8) && p[5] == (port & 0xff);
}

static const uint8_t ip_a[4] = {198, 18, 1, 10};
static const uint8_t ip_b[4] = {198, 19, 0, 20};

#define CHECK_ADDR(s, i, ip, port_, field_, part_, media_, sess_, lcn_)      \
	do {                                                                 \
		CHECK(addr_is(&(s), (i), (ip), (port_)));                    \
		CHECK_EQ((s).addr[i].field, (field_));                       \
		CHECK_EQ((s).addr[i].part, (part_));                         \
		CHECK_EQ((s).addr[i].media, (media_));                       \
		CHECK_EQ((s).addr[i].session_id, (sess_));                   \
		CHECK_EQ((s).addr[i].lcn, (lcn_));                           \
	} while (0)

/* ---- real messages --------------------------------------------------- */

TEST(h245_faststart_setup_offers)
{
	struct seg g = seg_open(setup_seg, sizeof setup_seg);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	for (unsigned i = 0; i < 4; i++) {
		enum mg_reason r = mg_h245_scan_olc(&s, g.p + setup_seg_items[i].off, setup_seg_items[i].len,
						    MG_C_FASTSTART);
		CHECK_EQ(r, MG_R_NONE);
	}
	CHECK_EQ(s.err, MG_R_NONE);
	CHECK_EQ(s.depth, 0);
	/* MANIFEST plain-default: six inside addresses leak in this Setup */
	CHECK_EQ(s.n_addr, 6);
	CHECK_ADDR(s, 0, ip_a, 5000, MG_F_MEDIA, MG_OLC_REVERSE, MG_MEDIA_AUDIO, 1, 1001);
	CHECK_ADDR(s, 1, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_MEDIA_AUDIO, 1, 1001);
	CHECK_ADDR(s, 2, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1002);
	CHECK_ADDR(s, 3, ip_a, 6000, MG_F_MEDIA, MG_OLC_REVERSE, MG_MEDIA_VIDEO, 2, 1003);
	CHECK_ADDR(s, 4, ip_a, 6001, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_MEDIA_VIDEO, 2, 1003);
	CHECK_ADDR(s, 5, ip_a, 14031, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_VIDEO, 2, 1004);
	for (unsigned i = 0; i < s.n_addr; i++) {
		CHECK_EQ(s.addr[i].container, MG_C_FASTSTART);
		CHECK_EQ(s.addr[i].h245, MG_H245_OLC);
	}
	CHECK_EQ(s.n_ev, 4);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(s.ev[i].kind, MG_H245_OLC);
		CHECK_EQ(s.ev[i].lcn, 1001 + i);
		CHECK_EQ(s.ev[i].container, MG_C_FASTSTART);
	}
	seg_close(g);
}

TEST(h245_faststart_alerting_answers)
{
	struct seg g = seg_open(alerting_seg, sizeof alerting_seg);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(mg_h245_scan_olc(&s, g.p + alerting_seg_items[i].off, alerting_seg_items[i].len,
					  MG_C_FASTSTART),
			 MG_R_NONE);
	CHECK_EQ(s.n_addr, 6);
	CHECK_ADDR(s, 0, ip_b, 5001, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_MEDIA_AUDIO, 1, 1001);
	CHECK_ADDR(s, 1, ip_b, 5000, MG_F_MEDIA, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1002);
	CHECK_ADDR(s, 2, ip_b, 5001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1002);
	/* ooh323c reuses 1002 for the H.264 reverse channel (MANIFEST) */
	CHECK_ADDR(s, 3, ip_b, 14031, MG_F_MEDIA_CTRL, MG_OLC_REVERSE, MG_MEDIA_VIDEO, 2, 1002);
	CHECK_ADDR(s, 4, ip_b, 6000, MG_F_MEDIA, MG_OLC_FORWARD, MG_MEDIA_VIDEO, 2, 1004);
	CHECK_ADDR(s, 5, ip_b, 6001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_VIDEO, 2, 1004);
	seg_close(g);
}

TEST(h245_tunnelled_olc_and_ack)
{
	struct seg g = seg_open(tun_olc_seg, sizeof tun_olc_seg);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + tun_olc_seg_items[0].off, tun_olc_seg_items[0].len, MG_C_TUNNEL),
		 MG_R_NONE);
	CHECK_EQ(s.n_addr, 1);
	CHECK_ADDR(s, 0, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1001);
	CHECK_EQ(s.addr[0].off, 79);
	CHECK_EQ(s.addr[0].container, MG_C_TUNNEL);
	CHECK_EQ(s.n_ev, 1);
	CHECK_EQ(s.ev[0].kind, MG_H245_OLC);
	seg_close(g);

	g = seg_open(tun_ack_seg, sizeof tun_ack_seg);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + tun_ack_seg_items[0].off, tun_ack_seg_items[0].len, MG_C_TUNNEL),
		 MG_R_NONE);
	CHECK_EQ(s.n_addr, 2);
	CHECK_ADDR(s, 0, ip_a, 5000, MG_F_MEDIA, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	CHECK_ADDR(s, 1, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	CHECK_EQ(s.addr[0].h245, MG_H245_OLC_ACK);
	CHECK_EQ(s.n_ev, 1);
	CHECK_EQ(s.ev[0].kind, MG_H245_OLC_ACK);
	CHECK_EQ(s.ev[0].lcn, 1001);
	seg_close(g);
}

TEST(h245_message_names_recorded)
{
	struct seg g = seg_open(tun_olc_seg, sizeof tun_olc_seg);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + tun_olc_seg_items[0].off, tun_olc_seg_items[0].len, MG_C_TUNNEL),
		 MG_R_NONE);
	CHECK_EQ(s.n_h245_msg, 1);
	CHECK(strcmp(mg_h245_msg_name(s.h245_msg[0].code), "openLogicalChannel") == 0);
	seg_close(g);

	g = seg_open(tun_ack_seg, sizeof tun_ack_seg);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + tun_ack_seg_items[0].off, tun_ack_seg_items[0].len, MG_C_TUNNEL),
		 MG_R_NONE);
	CHECK_EQ(s.n_h245_msg, 1);
	CHECK(strcmp(mg_h245_msg_name(s.h245_msg[0].code), "openLogicalChannelAck") == 0);
	seg_close(g);
	/* the names of the root alternatives, and the unknown */
	CHECK(strcmp(mg_h245_msg_name(2), "terminalCapabilitySet") == 0);
	CHECK(strcmp(mg_h245_msg_name(2u << 5 | 5u), "endSessionCommand") == 0);
	CHECK(strcmp(mg_h245_msg_name(1u << 5 | 31u), "h245") == 0);
}

/* Each message's record: its encoding, its container and the values an
 * endpoint answers with; a message cut before them still walks (the gateway
 * never needed them) but says it has no values. */
TEST(h245_message_records_and_values)
{
	struct seg g = seg_open(sep_tcs, sizeof sep_tcs);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_h245_msg, 1);
	CHECK_EQ(s.h245_msg[0].code, MG_H245_MSG_TCS);
	CHECK_EQ(s.h245_msg[0].off, 4);
	CHECK_EQ(s.h245_msg[0].len, sizeof sep_tcs - 4);
	CHECK_EQ(s.h245_msg[0].container, MG_C_H245);
	CHECK(s.h245_msg[0].has_values);
	CHECK_EQ(s.h245_msg[0].seq, 1);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, 2, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.h245_msg[0].code, MG_H245_MSG_TCS);
	CHECK(!s.h245_msg[0].has_values);
	seg_close(g);

	g = seg_open(sep_msdack_olc_a, sizeof sep_msdack_olc_a);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, 2, MG_C_TUNNEL), MG_R_NONE);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 10, g.n - 10, MG_C_TUNNEL), MG_R_NONE);
	CHECK_EQ(s.n_h245_msg, 2);
	CHECK_EQ(s.h245_msg[0].code, MG_H245_MSG_MSD_ACK);
	CHECK(s.h245_msg[0].has_values && s.h245_msg[0].master);
	CHECK_EQ(s.h245_msg[1].code, MG_H245_MSG_OLC);
	CHECK_EQ(s.h245_msg[1].off, 10);
	CHECK(!s.h245_msg[1].has_values);
	/* the OLC's mediaControlChannel, found by field and part */
	const struct mg_h323_addr *a = mg_h323_scan_find(&s, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_H323_ANY);
	CHECK(a != NULL && a->port == 5001 && a->ip[3] == 10);
	CHECK(mg_h323_scan_find(&s, MG_F_MEDIA, MG_H323_ANY, MG_H323_ANY) == NULL);
	CHECK(mg_h323_scan_find(&s, MG_F_MEDIA_CTRL, MG_H323_ANY, MG_C_H245) == NULL);
	seg_close(g);
}

TEST(h245_separate_channel)
{
	struct mg_h323_scan s;
	/* two TPKTs in one segment: MSDAck (nothing), then A's OLC */
	struct seg g = seg_open(sep_msdack_olc_a, sizeof sep_msdack_olc_a);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, 2, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr + s.n_ev, 0);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 10, g.n - 10, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr, 1);
	CHECK_ADDR(s, 0, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1001);
	CHECK_EQ(s.addr[0].off, 23);
	CHECK_EQ(s.addr[0].container, MG_C_H245);
	seg_close(g);

	g = seg_open(sep_olc_b, sizeof sep_olc_b);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_ADDR(s, 0, ip_b, 5001, MG_F_MEDIA_CTRL, MG_OLC_FORWARD, MG_MEDIA_AUDIO, 1, 1001);
	seg_close(g);

	g = seg_open(sep_ack_a, sizeof sep_ack_a);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr, 2);
	CHECK_ADDR(s, 0, ip_a, 5000, MG_F_MEDIA, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	CHECK_ADDR(s, 1, ip_a, 5001, MG_F_MEDIA_CTRL, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	seg_close(g);

	g = seg_open(sep_ack_b, sizeof sep_ack_b);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_ADDR(s, 0, ip_b, 5000, MG_F_MEDIA, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	CHECK_ADDR(s, 1, ip_b, 5001, MG_F_MEDIA_CTRL, MG_OLC_ACK_FWD, MG_MEDIA_UNKNOWN, 1, 1001);
	seg_close(g);

	g = seg_open(sep_end, sizeof sep_end);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr, 0);
	CHECK_EQ(s.n_ev, 1);
	CHECK_EQ(s.ev[0].kind, MG_H245_END_SESSION);
	CHECK_EQ(s.ev[0].container, MG_C_H245);
	seg_close(g);

	g = seg_open(sep_tcs, sizeof sep_tcs);
	scan_reset(&s, g.p, g.n);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr + s.n_ev, 0);
	seg_close(g);
}

/* Every prefix of a real message: a clean result or ALG_H245_BAD, never an
 * out-of-bounds read (each prefix ends at a guard page), and addresses found
 * always lie inside the prefix. */
static bool truncations_ok(const uint8_t *msg, size_t len, bool olc)
{
	for (size_t n = 0; n <= len; n++) {
		uint8_t *p = t_guarded(msg, n);
		struct mg_h323_scan s;
		scan_reset(&s, p, n);
		enum mg_reason r = olc ? mg_h245_scan_olc(&s, p, n, MG_C_FASTSTART) : mg_h245_scan_msg(&s, p, n, MG_C_H245);
		bool ok = (r == MG_R_NONE && s.err == MG_R_NONE) ||
			  (r == MG_R_ALG_H245_BAD && s.err == r && s.err_where != NULL);
		if (n == len && r != MG_R_NONE)
			ok = false;
		for (unsigned i = 0; i < s.n_addr; i++)
			if (s.addr[i].off + 6 > n)
				ok = false;
		ok = ok && s.depth == 0;
		t_guarded_free(p, n);
		if (!ok) {
			fprintf(stderr, "  truncation at %zu of %zu: %s\n", n, len, mg_reason_name(r));
			return false;
		}
	}
	return true;
}

TEST(h245_every_truncation)
{
	for (unsigned i = 0; i < 4; i++) {
		CHECK(truncations_ok(setup_seg + setup_seg_items[i].off, setup_seg_items[i].len, true));
		CHECK(truncations_ok(alerting_seg + alerting_seg_items[i].off, alerting_seg_items[i].len, true));
	}
	CHECK(truncations_ok(sep_ack_a + 4, sizeof sep_ack_a - 4, false));
	CHECK(truncations_ok(sep_olc_b + 4, sizeof sep_olc_b - 4, false));
	CHECK(truncations_ok(sep_tcs + 4, sizeof sep_tcs - 4, false));
}

/* The truncated video OLC fails where it is cut, not later. */
TEST(h245_truncated_olc_is_bad)
{
	const uint8_t *olc = setup_seg + setup_seg_items[2].off;
	size_t len = setup_seg_items[2].len;
	uint8_t *p = t_guarded(olc, len - 3);
	struct mg_h323_scan s;
	scan_reset(&s, p, len - 3);
	CHECK_EQ(mg_h245_scan_olc(&s, p, len - 3, MG_C_FASTSTART), MG_R_ALG_H245_BAD);
	CHECK_EQ(s.err, MG_R_ALG_H245_BAD);
	CHECK(s.err_where != NULL);
	CHECK_EQ(s.depth, 0);
	t_guarded_free(p, len - 3);
}

TEST(h245_choice_index_out_of_range)
{
	uint8_t m[sizeof sep_olc_b - 4];
	memcpy(m, sep_olc_b + 4, sizeof m);
	m[0] = 0x0F; /* RequestMessage root index 15 of 11 */
	uint8_t *p = t_guarded(m, sizeof m);
	struct mg_h323_scan s;
	scan_reset(&s, p, sizeof m);
	CHECK_EQ(mg_h245_scan_msg(&s, p, sizeof m, MG_C_H245), MG_R_ALG_H245_BAD);
	CHECK(strcmp(s.err_where, "RequestMessage") == 0);
	t_guarded_free(p, sizeof m);

	memcpy(m, sep_olc_b + 4, sizeof m);
	CHECK_EQ(m[12], 0x00);
	m[12] = 0x1C; /* UnicastAddress root index 7 of 5 */
	p = t_guarded(m, sizeof m);
	scan_reset(&s, p, sizeof m);
	CHECK_EQ(mg_h245_scan_msg(&s, p, sizeof m, MG_C_H245), MG_R_ALG_H245_BAD);
	CHECK(strcmp(s.err_where, "h245 UnicastAddress") == 0);
	CHECK_EQ(s.n_addr, 0);
	t_guarded_free(p, sizeof m);

	memcpy(m, sep_olc_b + 4, sizeof m);
	m[4] = 0x18; /* forward dataType root index 6 of 6 (was 3, audioData) */
	p = t_guarded(m, sizeof m);
	scan_reset(&s, p, sizeof m);
	CHECK_EQ(mg_h245_scan_msg(&s, p, sizeof m, MG_C_H245), MG_R_ALG_H245_BAD);
	t_guarded_free(p, sizeof m);
}

TEST(h245_depth_limit)
{
	struct seg g = seg_open(sep_ack_a, sizeof sep_ack_a);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	s.depth = MG_H323_MAX_DEPTH;
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_ALG_LIMIT);
	CHECK_EQ(s.err, MG_R_ALG_LIMIT);
	CHECK_EQ(s.depth, MG_H323_MAX_DEPTH);
	/* room for the message but not for the open type inside it */
	scan_reset(&s, g.p, g.n);
	s.depth = MG_H323_MAX_DEPTH - 1;
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_ALG_LIMIT);
	CHECK_EQ(s.n_addr, 0);
	CHECK_EQ(s.depth, MG_H323_MAX_DEPTH - 1);
	/* and with one more level it works */
	scan_reset(&s, g.p, g.n);
	s.depth = MG_H323_MAX_DEPTH - 2;
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_NONE);
	CHECK_EQ(s.n_addr, 2);
	seg_close(g);
}

TEST(h245_address_and_event_limits)
{
	struct seg g = seg_open(sep_ack_a, sizeof sep_ack_a);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	s.n_addr = MG_H323_MAX_ADDRS - 1;
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_ALG_LIMIT);
	CHECK_EQ(s.n_addr, MG_H323_MAX_ADDRS);
	CHECK_EQ(s.err, MG_R_ALG_LIMIT);
	CHECK(s.err_where != NULL);

	scan_reset(&s, g.p, g.n);
	s.n_ev = MG_H323_MAX_EVENTS;
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_ALG_LIMIT);
	CHECK_EQ(s.n_ev, MG_H323_MAX_EVENTS);
	seg_close(g);
}

TEST(h245_first_error_is_kept)
{
	struct seg g = seg_open(sep_ack_a, sizeof sep_ack_a);
	struct mg_h323_scan s;
	scan_reset(&s, g.p, g.n);
	s.err = MG_R_ALG_Q931_BAD;
	s.err_where = "earlier";
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, 3, MG_C_H245), MG_R_ALG_H245_BAD);
	CHECK_EQ(s.err, MG_R_ALG_Q931_BAD);
	CHECK(strcmp(s.err_where, "earlier") == 0);
	seg_close(g);
}

TEST(h245_buffer_outside_top)
{
	struct seg g = seg_open(sep_ack_a, sizeof sep_ack_a);
	struct mg_h323_scan s;
	scan_reset(&s, g.p + 4, g.n - 4);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p, g.n, MG_C_H245), MG_R_ALG_H245_BAD);
	scan_reset(&s, g.p, 10);
	CHECK_EQ(mg_h245_scan_msg(&s, g.p + 4, g.n - 4, MG_C_H245), MG_R_ALG_H245_BAD);
	CHECK_EQ(s.n_addr, 0);
	seg_close(g);
}

/* ---- synthetic encodings --------------------------------------------- */

/* An aligned-PER writer, just enough to build the test messages below. */
struct pw {
	uint8_t b[256];
	size_t bit;
};

static void pw_bits(struct pw *w, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		if (w->bit >= 8 * sizeof w->b)
			abort();
		if ((v >> n) & 1u)
			w->b[w->bit >> 3] |= (uint8_t)(0x80u >> (w->bit & 7));
		w->bit++;
	}
}

static void pw_align(struct pw *w)
{
	w->bit = (w->bit + 7) & ~(size_t)7;
}

static void pw_u8(struct pw *w, uint32_t v)
{
	pw_align(w);
	pw_bits(w, v, 8);
}

static void pw_u16(struct pw *w, uint32_t v)
{
	pw_align(w);
	pw_bits(w, v, 16);
}

static void pw_bytes(struct pw *w, const uint8_t *p, size_t n)
{
	pw_align(w);
	for (size_t i = 0; i < n; i++)
		pw_bits(w, p[i], 8);
}

static size_t pw_len(const struct pw *w)
{
	return (w->bit + 7) / 8;
}

/* Append `inner` as an open type (an empty encoding takes one zero octet). */
static void pw_open(struct pw *w, const struct pw *inner)
{
	size_t n = pw_len(inner);
	pw_u8(w, n ? (uint32_t)n : 1);
	if (n)
		pw_bytes(w, inner->b, n);
	else
		pw_bits(w, 0, 8);
}

/* Extension bitmap of n bits (short form). */
static void pw_bitmap(struct pw *w, unsigned n, uint32_t bits)
{
	pw_bits(w, 0, 1);
	pw_bits(w, n - 1, 6);
	pw_bits(w, bits, n);
}

/* TransportAddress unicast iPAddress (multicast if `mc`). */
static void pw_ta4(struct pw *w, bool mc, uint8_t d, uint16_t port)
{
	const uint8_t ip[4] = {198, 18, 1, d};
	pw_bits(w, 0, 1);        /* TransportAddress: root */
	pw_bits(w, mc, 1);       /* unicastAddress / multicastAddress */
	pw_bits(w, 0, 1);        /* Unicast/MulticastAddress: root */
	pw_bits(w, 0, mc ? 1 : 3); /* iPAddress */
	pw_bits(w, 0, 1);        /* iPAddress: no extensions */
	pw_bytes(w, ip, 4);
	pw_u16(w, port);
}

/* unicast iP6Address ::ffff:198.18.1.d */
static void pw_ta6(struct pw *w, uint8_t d, uint16_t port)
{
	const uint8_t ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 1, d};
	pw_bits(w, 0, 3);
	pw_bits(w, 2, 3); /* iP6Address */
	pw_bits(w, 0, 1);
	pw_bytes(w, ip, 16);
	pw_u16(w, port);
}

/* unicast iPSourceRouteAddress with two hops: must be skipped, not recorded */
static void pw_ta_route(struct pw *w)
{
	const uint8_t hops[8] = {198, 18, 2, 1, 198, 18, 2, 2};
	pw_bits(w, 0, 3);
	pw_bits(w, 4, 3);
	pw_bits(w, 0, 1); /* no extensions */
	pw_bits(w, 1, 1); /* loose */
	pw_bytes(w, hops, 4);
	pw_u16(w, 4000);
	pw_u8(w, 2);
	pw_bytes(w, hops, 8);
}

/* NetworkAccessParameters with localAreaAddress 198.18.1.d:1503 */
static void pw_nap(struct pw *w, uint8_t d, bool with_options)
{
	pw_bits(w, 0, 1);
	pw_bits(w, with_options ? 3 : 0, 2); /* distribution, externalReference */
	if (with_options) {
		pw_bits(w, 0, 1); /* distribution: root, unicast */
		pw_bits(w, 0, 1);
	}
	pw_bits(w, 0, 1); /* networkAddress: root */
	pw_bits(w, 2, 2); /* localAreaAddress */
	pw_ta4(w, false, d, 1503);
	pw_bits(w, 1, 1); /* associateConference */
	if (with_options) {
		const uint8_t ref[2] = {0x11, 0x22};
		pw_bits(w, 1, 8); /* SIZE(1..255): 2 octets */
		pw_bytes(w, ref, 2);
	}
}

/* request.openLogicalChannel 2001: H.263 video forward with most optional
 * h2250 fields (IPv6 media, multicast RTCP), T.120 data reverse, separateStack
 * and an unknown addition after it. */
static size_t build_olc(uint8_t *out)
{
	struct pw w = {{0}, 0}, t;
	pw_bits(&w, 0, 1); /* MultimediaSystemControlMessage: root */
	pw_bits(&w, 0, 2); /* request */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 3, 4); /* openLogicalChannel */
	pw_bits(&w, 1, 1); /* OLC extensions present */
	pw_bits(&w, 1, 1); /* reverseLogicalChannelParameters present */
	pw_u16(&w, 2001 - 1);
	/* forwardLogicalChannelParameters */
	pw_bits(&w, 1, 1); /* extensions present */
	pw_bits(&w, 1, 1); /* portNumber present */
	pw_u16(&w, 0x1234);
	pw_bits(&w, 0, 1); /* DataType: root */
	pw_bits(&w, 2, 3); /* videoData */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 3, 3); /* h263VideoCapability */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 0x33, 7); /* qcifMPI, cifMPI, hrd-B, bppMaxKb */
	pw_bits(&w, 1, 5);
	pw_bits(&w, 1, 5);
	pw_bits(&w, 2, 2); /* maxBitRate 100000: 3 octets */
	pw_align(&w);
	pw_bits(&w, 100000 - 1, 24);
	pw_bits(&w, 0x15, 5);
	pw_bits(&w, 0, 2); /* hrd-B: 1 octet */
	pw_u8(&w, 0);
	pw_u16(&w, 0);
	pw_bits(&w, 1, 1); /* multiplexParameters: extension */
	pw_bits(&w, 0, 7); /* h2250LogicalChannelParameters */
	memset(&t, 0, sizeof t);
	{
		const uint8_t nsd[2] = {0xab, 0xcd};
		struct pw rtp = {{0}, 0}, src = {{0}, 0};
		pw_bits(&t, 1, 1);        /* additions present */
		pw_bits(&t, 0x3EF, 10);   /* all but mediaControlGuaranteedDelivery */
		pw_u8(&t, 1);             /* nonStandard: one element */
		pw_bits(&t, 1, 1);        /* h221NonStandard */
		pw_u8(&t, 0xb5);
		pw_u8(&t, 0);
		pw_u16(&t, 0x1234);
		pw_u8(&t, 2);
		pw_bytes(&t, nsd, 2);
		pw_u8(&t, 2);             /* sessionID */
		pw_bits(&t, 0, 8);        /* associatedSessionID 1 */
		pw_ta6(&t, 20, 7000);     /* mediaChannel */
		pw_bits(&t, 0, 1);        /* mediaGuaranteedDelivery */
		pw_ta4(&t, true, 30, 7001); /* mediaControlChannel, multicast */
		pw_bits(&t, 1, 1);        /* silenceSuppression */
		pw_bits(&t, 0, 1);        /* destination TerminalLabel */
		pw_bits(&t, 1, 8);
		pw_bits(&t, 2, 8);
		pw_bits(&t, 5, 5);        /* dynamicRTPPayloadType 101 */
		pw_bits(&t, 1, 1);        /* mediaPacketization: extension */
		pw_bits(&t, 0, 7);        /* rtpPayloadType */
		pw_bits(&rtp, 0, 1);
		pw_bits(&rtp, 1, 1);      /* payloadType present */
		pw_bits(&rtp, 0, 1);
		pw_bits(&rtp, 1, 2);      /* rfc-number */
		pw_bits(&rtp, 0, 1);      /* in the root range */
		pw_u16(&rtp, 2833 - 1);
		pw_bits(&rtp, 96, 7);
		pw_open(&t, &rtp);
		pw_bitmap(&t, 4, 0x2);    /* source */
		pw_bits(&src, 0, 1);
		pw_bits(&src, 3, 8);
		pw_bits(&src, 4, 8);
		pw_open(&t, &src);
	}
	pw_open(&w, &t);
	pw_bitmap(&w, 2, 0x2); /* forwardLogicalChannelDependency */
	memset(&t, 0, sizeof t);
	pw_u16(&t, 41 - 1);
	pw_open(&w, &t);
	/* reverseLogicalChannelParameters */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 1, 1); /* multiplexParameters present */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 4, 3); /* data */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 0, 1);
	pw_bits(&w, 1, 4); /* t120 */
	pw_bits(&w, 1, 1); /* DataProtocolCapability: extension */
	pw_bits(&w, 3, 7); /* separateLANStack */
	memset(&t, 0, sizeof t);
	pw_open(&w, &t);   /* NULL */
	pw_bits(&w, 1, 2); /* maxBitRate 1280: 2 octets */
	pw_u16(&w, 1280);
	pw_bits(&w, 1, 1); /* multiplexParameters: extension */
	pw_bits(&w, 0, 7);
	memset(&t, 0, sizeof t);
	pw_bits(&t, 0, 1);
	pw_bits(&t, 0x080, 10); /* mediaChannel */
	pw_u8(&t, 3);
	pw_ta4(&t, false, 40, 1503);
	pw_open(&w, &t);
	/* OLC additions: separateStack, genericInformation */
	pw_bitmap(&w, 3, 0x5);
	memset(&t, 0, sizeof t);
	pw_nap(&t, 50, true);
	pw_open(&w, &t);
	memset(&t, 0, sizeof t);
	{
		/* one GenericInformation { messageIdentifier standard {0 0 8 460 19} } */
		const uint8_t oid[5] = {0x00, 0x08, 0x83, 0x4c, 0x13};
		pw_u8(&t, 1);
		pw_bits(&t, 0, 6);
		pw_u8(&t, 5);
		pw_bytes(&t, oid, 5);
	}
	pw_open(&w, &t);
	memcpy(out, w.b, pw_len(&w));
	return pw_len(&w);
}

/* response.openLogicalChannelAck 2001 with reverse parameters, separateStack
 * and forwardMultiplexAckParameters. */
static size_t build_olc_ack(uint8_t *out)
{
	struct pw w = {{0}, 0}, t = {{0}, 0};
	pw_bits(&w, 0, 1);
	pw_bits(&w, 1, 2); /* response */
	pw_bits(&w, 0, 1);
	pw_bits(&w, 5, 5); /* openLogicalChannelAck */
	pw_bits(&w, 1, 1);
	pw_bits(&w, 1, 1); /* reverseLogicalChannelParameters */
	pw_u16(&w, 2001 - 1);
	pw_bits(&w, 0, 1);
	pw_bits(&w, 3, 2); /* portNumber, multiplexParameters */
	pw_u16(&w, 2002 - 1);
	pw_u16(&w, 9);
	pw_bits(&w, 1, 1); /* extension: h2250LogicalChannelParameters */
	pw_bits(&w, 0, 7);
	pw_bits(&t, 0, 1);
	pw_bits(&t, 0x020, 10); /* mediaControlChannel */
	pw_u8(&t, 3);
	pw_ta4(&t, false, 40, 1504);
	pw_open(&w, &t);
	pw_bitmap(&w, 5, 0x18); /* separateStack, forwardMultiplexAckParameters */
	memset(&t, 0, sizeof t);
	pw_nap(&t, 51, false);
	pw_open(&w, &t);
	memset(&t, 0, sizeof t);
	pw_bits(&t, 0, 1);    /* CHOICE root (one alternative: no index bits) */
	pw_bits(&t, 0, 1);    /* H2250LogicalChannelAckParameters */
	pw_bits(&t, 0xF, 5);  /* sessionID, mediaChannel, mediaControlChannel, dynamicRTPPayloadType */
	pw_bits(&t, 2 - 1, 8);
	pw_ta4(&t, false, 60, 7002);
	pw_ta4(&t, false, 60, 7003);
	pw_bits(&t, 0, 5);
	pw_open(&w, &t);
	memcpy(out, w.b, pw_len(&w));
	return pw_len(&w);
}

/* CommunicationModeTableEntry: audio g7231, session 1, RTP and RTCP at
 * 198.18.1.d:5000/5001 (RTP as a source route first when `route`). */
static void pw_cm_entry(struct pw *w, uint8_t d, bool route)
{
	pw_bits(w, 0, 1);
	pw_bits(w, route ? 0x1B : 0x1A, 7); /* terminalLabel, media, [mGD], mediaControl */
	pw_bits(w, 0, 8);                   /* sessionID 1 */
	pw_bits(w, 0, 1);                   /* terminalLabel */
	pw_bits(w, 0, 8);
	pw_bits(w, 1, 8);
	pw_bits(w, 4, 7); /* sessionDescription: 5 characters */
	pw_align(w);
	for (const char *c = "audio"; *c; c++)
		pw_u16(w, (uint8_t)*c);
	pw_bits(w, 0, 1);
	pw_bits(w, 1, 2); /* audioData */
	pw_bits(w, 0, 1);
	pw_bits(w, 8, 4); /* g7231 */
	pw_u8(w, 3 - 1);
	pw_bits(w, 1, 1);
	if (route)
		pw_ta_route(w);
	else
		pw_ta4(w, false, d, 5000);
	pw_ta4(w, false, d, 5001);
	if (route)
		pw_bits(w, 0, 1); /* mediaControlGuaranteedDelivery */
}

static size_t build_comm_mode(uint8_t *out, bool response)
{
	struct pw w = {{0}, 0}, t = {{0}, 0};
	pw_bits(&w, 0, 1);
	pw_bits(&w, response ? 1 : 2, 2);
	pw_bits(&w, 1, 1); /* extension alternative 0 */
	pw_bits(&w, 0, 7);
	pw_bits(&t, 0, 1); /* SEQUENCE / CHOICE extension bit */
	pw_u8(&t, 2 - 1);  /* two entries */
	pw_cm_entry(&t, 70, false);
	pw_cm_entry(&t, 71, true);
	pw_open(&w, &t);
	memcpy(out, w.b, pw_len(&w));
	return pw_len(&w);
}

static size_t build_mc_location(uint8_t *out)
{
	struct pw w = {{0}, 0}, t = {{0}, 0};
	pw_bits(&w, 0, 1);
	pw_bits(&w, 3, 2); /* indication */
	pw_bits(&w, 1, 1);
	pw_bits(&w, 1, 7); /* mcLocationIndication */
	pw_bits(&t, 0, 1);
	pw_ta4(&t, false, 80, 1720);
	pw_open(&w, &t);
	memcpy(out, w.b, pw_len(&w));
	return pw_len(&w);
}

/* request.closeLogicalChannel / response.openLogicalChannelReject 2001 */
static size_t build_lcn_msg(uint8_t *out, bool reject)
{
	struct pw w = {{0}, 0};
	pw_bits(&w, 0, 1);
	if (reject) {
		pw_bits(&w, 1, 2);
		pw_bits(&w, 0, 1);
		pw_bits(&w, 6, 5);
	} else {
		pw_bits(&w, 0, 2);
		pw_bits(&w, 0, 1);
		pw_bits(&w, 4, 4);
	}
	pw_bits(&w, 0, 1); /* no extensions */
	pw_u16(&w, 2001 - 1);
	/* reject: cause dataTypeNotSupported; close: source lcse */
	pw_bits(&w, reject ? 2 : 1, reject ? 4 : 1);
	memcpy(out, w.b, pw_len(&w));
	return pw_len(&w);
}

static bool addr_at(const struct mg_h323_scan *s, unsigned i, uint8_t d, uint16_t port)
{
	const uint8_t ip[4] = {198, 18, 1, d};
	return addr_is(s, i, ip, port);
}

/* Scan a synthetic message from a guarded copy. */
static enum mg_reason scan_synth(struct mg_h323_scan *s, uint8_t **p, const uint8_t *m, size_t n)
{
	*p = t_guarded(m, n);
	scan_reset(s, *p, n);
	return mg_h245_scan_msg(s, *p, n, MG_C_TUNNEL);
}

TEST(h245_synthetic_olc_all_paths)
{
	uint8_t m[256];
	size_t n = build_olc(m);
	uint8_t *p;
	struct mg_h323_scan s;
	CHECK_EQ(scan_synth(&s, &p, m, n), MG_R_NONE);
	CHECK_EQ(s.n_addr, 4);
	const struct mg_h323_addr *a = &s.addr[0];
	CHECK_EQ(a->family, 6);
	CHECK_EQ(a->port, 7000);
	CHECK_EQ(a->field, MG_F_MEDIA);
	CHECK_EQ(a->part, MG_OLC_FORWARD);
	CHECK_EQ(a->media, MG_MEDIA_VIDEO);
	CHECK_EQ(a->session_id, 2);
	CHECK_EQ(p[a->off + 12], 198);
	CHECK_EQ(p[a->off + 15], 20);
	CHECK_EQ((p[a->off + 16] << 8) | p[a->off + 17], 7000);
	CHECK(addr_at(&s, 1, 30, 7001));
	CHECK_EQ(s.addr[1].field, MG_F_MEDIA_CTRL);
	CHECK_EQ(s.addr[1].session_id, 2);
	CHECK(addr_at(&s, 2, 40, 1503));
	CHECK_EQ(s.addr[2].part, MG_OLC_REVERSE);
	CHECK_EQ(s.addr[2].media, MG_MEDIA_DATA);
	CHECK_EQ(s.addr[2].session_id, 3);
	CHECK(addr_at(&s, 3, 50, 1503));
	CHECK_EQ(s.addr[3].field, MG_F_T120);
	CHECK_EQ(s.addr[3].part, MG_OLC_SEPARATE);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(s.addr[i].lcn, 2001);
		CHECK_EQ(s.addr[i].container, MG_C_TUNNEL);
	}
	CHECK_EQ(s.n_ev, 1);
	CHECK_EQ(s.ev[0].lcn, 2001);
	t_guarded_free(p, n);
	CHECK(truncations_ok(m, n, false));
	/* the same OLC as a fastStart element (without the message header) */
	p = t_guarded(m + 1, n - 1);
	scan_reset(&s, p, n - 1);
	CHECK_EQ(mg_h245_scan_olc(&s, p, n - 1, MG_C_FASTSTART), MG_R_NONE);
	CHECK_EQ(s.n_addr, 4);
	t_guarded_free(p, n - 1);
}

TEST(h245_synthetic_olc_ack_all_paths)
{
	uint8_t m[256];
	size_t n = build_olc_ack(m);
	uint8_t *p;
	struct mg_h323_scan s;
	CHECK_EQ(scan_synth(&s, &p, m, n), MG_R_NONE);
	CHECK_EQ(s.n_addr, 4);
	CHECK(addr_at(&s, 0, 40, 1504));
	CHECK_EQ(s.addr[0].part, MG_OLC_ACK_REV);
	CHECK_EQ(s.addr[0].field, MG_F_MEDIA_CTRL);
	CHECK_EQ(s.addr[0].session_id, 3);
	CHECK(addr_at(&s, 1, 51, 1503));
	CHECK_EQ(s.addr[1].part, MG_OLC_SEPARATE);
	CHECK_EQ(s.addr[1].field, MG_F_T120);
	CHECK(addr_at(&s, 2, 60, 7002));
	CHECK(addr_at(&s, 3, 60, 7003));
	CHECK_EQ(s.addr[2].part, MG_OLC_ACK_FWD);
	CHECK_EQ(s.addr[3].field, MG_F_MEDIA_CTRL);
	CHECK_EQ(s.addr[3].session_id, 2);
	CHECK_EQ(s.addr[3].lcn, 2001);
	CHECK_EQ(s.addr[3].h245, MG_H245_OLC_ACK);
	CHECK_EQ(s.n_ev, 1);
	CHECK_EQ(s.ev[0].kind, MG_H245_OLC_ACK);
	t_guarded_free(p, n);
	CHECK(truncations_ok(m, n, false));
}

TEST(h245_synthetic_comm_mode)
{
	for (int resp = 0; resp < 2; resp++) {
		uint8_t m[256];
		size_t n = build_comm_mode(m, resp);
		uint8_t *p;
		struct mg_h323_scan s;
		CHECK_EQ(scan_synth(&s, &p, m, n), MG_R_NONE);
		CHECK_EQ(s.n_addr, 3); /* the source-routed RTP address is skipped */
		CHECK(addr_at(&s, 0, 70, 5000));
		CHECK(addr_at(&s, 1, 70, 5001));
		CHECK(addr_at(&s, 2, 71, 5001));
		CHECK_EQ(s.addr[0].part, MG_OLC_COMM_MODE);
		CHECK_EQ(s.addr[0].media, MG_MEDIA_AUDIO);
		CHECK_EQ(s.addr[0].session_id, 1);
		CHECK_EQ(s.addr[1].field, MG_F_MEDIA_CTRL);
		CHECK_EQ(s.addr[0].h245, resp ? MG_H245_COMM_MODE_RESP : MG_H245_COMM_MODE_CMD);
		CHECK_EQ(s.n_ev, 1);
		CHECK_EQ(s.ev[0].kind, resp ? MG_H245_COMM_MODE_RESP : MG_H245_COMM_MODE_CMD);
		t_guarded_free(p, n);
		CHECK(truncations_ok(m, n, false));
	}
}

TEST(h245_synthetic_mc_location)
{
	uint8_t m[64];
	size_t n = build_mc_location(m);
	uint8_t *p;
	struct mg_h323_scan s;
	CHECK_EQ(scan_synth(&s, &p, m, n), MG_R_NONE);
	CHECK_EQ(s.n_addr, 1);
	CHECK(addr_at(&s, 0, 80, 1720));
	CHECK_EQ(s.addr[0].field, MG_F_MC_SIGNAL);
	CHECK_EQ(s.addr[0].h245, MG_H245_MC_LOCATION);
	t_guarded_free(p, n);
}

TEST(h245_synthetic_close_and_reject)
{
	for (int rej = 0; rej < 2; rej++) {
		uint8_t m[16];
		size_t n = build_lcn_msg(m, rej);
		uint8_t *p;
		struct mg_h323_scan s;
		CHECK_EQ(scan_synth(&s, &p, m, n), MG_R_NONE);
		CHECK_EQ(s.n_addr, 0);
		CHECK_EQ(s.n_ev, 1);
		CHECK_EQ(s.ev[0].kind, rej ? MG_H245_OLC_REJECT : MG_H245_CLC);
		CHECK_EQ(s.ev[0].lcn, 2001);
		t_guarded_free(p, n);
	}
}

/* An extension alternative whose open-type length runs past the message. */
TEST(h245_extension_alternative_past_end)
{
	const uint8_t m[] = {0x80 | 0x00, 0x10, 0x01}; /* MSCM extension 0, length 16 */
	uint8_t *p;
	struct mg_h323_scan s;
	CHECK_EQ(scan_synth(&s, &p, m, sizeof m), MG_R_ALG_H245_BAD);
	t_guarded_free(p, sizeof m);
}
