/* reason.c - the printable names generated from MG_REASONS. */
#include "core/reason.h"

static const char *const names[] = {
#define MG_R_NAME(n, s, d) s,
	MG_REASONS(MG_R_NAME)
#undef MG_R_NAME
};

const char *mg_reason_name(enum mg_reason r)
{
	return (unsigned)r < MG_R__COUNT ? names[r] : "unknown";
}
