/* fuzz_meetcall_ras.c - libFuzzer harness for meetcall's RAS decoder
 * (tools/meetcall/ras_dec.c) and encoder (msg_ras.c).
 *
 * The input is one would-be RasMessage, copied into a heap buffer of exactly
 * its size so that a read of one byte past the end is caught.  A message
 * that decodes is encoded again when it is a type meetcall encodes, and that
 * encoding must decode to the same type and requestSeqNum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meetcall/mc_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mg_mc_ras m, again;
	uint8_t *buf = malloc(size ? size : 1);
	uint8_t out[MG_MC_RAS_MAX];
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (mg_mc_dec_ras(&m, buf, size) == NULL && m.type != MG_MC_RAS_OTHER) {
		size_t n = mg_mc_enc_ras(&m, out, sizeof out);
		if (n > 0 && (mg_mc_dec_ras(&again, out, n) != NULL || again.type != m.type || again.seq != m.seq))
			abort();
	}
	free(buf);
	return 0;
}
