/* csum.c - Internet checksum helpers. */
#include "core/csum.h"

uint32_t mg_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	while (len >= 2) {
		s += (uint32_t)((p[0] << 8) | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)(p[0] << 8);
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t mg_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t mg_csum_sum16(const uint8_t *p, size_t len)
{
	return (uint16_t)~mg_csum_fold(mg_csum_add(0, p, len));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
void mg_csum_update16(uint8_t *field, uint16_t old_v, uint16_t new_v)
{
	uint32_t s = (uint16_t)~mg_rd16(field);
	s += (uint16_t)~old_v;
	s += new_v;
	mg_wr16(field, mg_csum_fold(s));
}

void mg_csum_update32(uint8_t *field, const uint8_t old4[4], const uint8_t new4[4])
{
	uint32_t s = (uint16_t)~mg_rd16(field);
	s += (uint16_t)~mg_rd16(old4);
	s += (uint16_t)~mg_rd16(old4 + 2);
	s += mg_rd16(new4);
	s += mg_rd16(new4 + 2);
	mg_wr16(field, mg_csum_fold(s));
}
