/* fuzz_tpkt.c - libFuzzer harness for TPKT framing: frames every TPKT of
 * the input as a stream would, and checks the framing contract. */
#include <stdint.h>
#include <stdlib.h>

#include "proto/tpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 0;

	while (at < size) {
		uint32_t len;
		enum mg_tpkt_status st = mg_tpkt_frame(data + at, size - at, &len);

		if (st == MG_TPKT_BAD)
			break;
		if (st == MG_TPKT_NEED) {
			if (len <= size - at)
				abort(); /* claimed to need bytes that were there */
			break;
		}
		if (len < MG_TPKT_HDR_LEN || len > size - at)
			abort();
		at += len;
	}
	return 0;
}
