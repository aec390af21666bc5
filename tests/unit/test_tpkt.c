/* test_tpkt.c - TPKT header framing. */
#include "harness.h"

#include "proto/tpkt.h"

TEST(tpkt_complete_message)
{
	static const uint8_t m[] = { 0x03, 0x00, 0x00, 0x07, 0x08, 0x02, 0x80 };
	uint32_t len = 99;

	CHECK_EQ(mg_tpkt_frame(m, sizeof m, &len), MG_TPKT_OK);
	CHECK_EQ(len, 7);
}

TEST(tpkt_more_data_after_message_is_not_counted)
{
	/* two TPKTs back to back: the first is framed alone */
	static const uint8_t m[] = { 0x03, 0x00, 0x00, 0x05, 0xAA, 0x03, 0x00, 0x00, 0x04 };
	uint32_t len = 0;

	CHECK_EQ(mg_tpkt_frame(m, sizeof m, &len), MG_TPKT_OK);
	CHECK_EQ(len, 5);
	CHECK_EQ(mg_tpkt_frame(m + 5, sizeof m - 5, &len), MG_TPKT_OK);
	CHECK_EQ(len, 4);
}

TEST(tpkt_header_split_needs_more)
{
	static const uint8_t m[] = { 0x03, 0x00, 0x01, 0x2C };
	uint32_t len = 0;

	for (size_t n = 0; n < 4; n++) {
		CHECK_EQ(mg_tpkt_frame(m, n, &len), MG_TPKT_NEED);
		CHECK_EQ(len, 4);
	}
	/* header alone (NetMeeting sends it in its own segment) */
	CHECK_EQ(mg_tpkt_frame(m, 4, &len), MG_TPKT_NEED);
	CHECK_EQ(len, 300);
}

TEST(tpkt_empty_keepalive_is_valid)
{
	static const uint8_t m[] = { 0x03, 0x00, 0x00, 0x04 };
	uint32_t len = 0;

	CHECK_EQ(mg_tpkt_frame(m, 4, &len), MG_TPKT_OK);
	CHECK_EQ(len, 4);
}

TEST(tpkt_bad_headers)
{
	static const uint8_t v2[] = { 0x02, 0x00, 0x00, 0x10 };
	static const uint8_t rsv[] = { 0x03, 0x01, 0x00, 0x10 };
	static const uint8_t short_len[] = { 0x03, 0x00, 0x00, 0x03 };
	static const uint8_t zero_len[] = { 0x03, 0x00, 0x00, 0x00 };
	uint32_t len = 7;

	CHECK_EQ(mg_tpkt_frame(v2, 4, &len), MG_TPKT_BAD);
	CHECK_EQ(len, 0);
	CHECK_EQ(mg_tpkt_frame(rsv, 4, &len), MG_TPKT_BAD);
	CHECK_EQ(mg_tpkt_frame(short_len, 4, &len), MG_TPKT_BAD);
	CHECK_EQ(mg_tpkt_frame(zero_len, 4, &len), MG_TPKT_BAD);
	/* refused as soon as the offending octet is there */
	CHECK_EQ(mg_tpkt_frame(v2, 1, &len), MG_TPKT_BAD);
	CHECK_EQ(mg_tpkt_frame(rsv, 2, &len), MG_TPKT_BAD);
}

TEST(tpkt_max_length)
{
	static const uint8_t m[] = { 0x03, 0x00, 0xFF, 0xFF };
	uint32_t len = 0;

	CHECK_EQ(mg_tpkt_frame(m, 4, &len), MG_TPKT_NEED);
	CHECK_EQ(len, 65535);
}

TEST(tpkt_never_reads_past_avail)
{
	static const uint8_t m[] = { 0x03, 0x00, 0x00, 0x06, 0x01, 0x02 };
	uint32_t len;

	for (size_t n = 0; n <= sizeof m; n++) {
		uint8_t *g = t_guarded(m, n);
		enum mg_tpkt_status st = mg_tpkt_frame(g, n, &len);
		t_guarded_free(g, n);
		CHECK_EQ(st, n == sizeof m ? MG_TPKT_OK : MG_TPKT_NEED);
	}
}
