/* reason.c - names and descriptions generated from MG_REASONS. */
#include "core/reason.h"

static const char *const names[] = {
#define MG_R_NAME(n, s, d) s,
	MG_REASONS(MG_R_NAME)
#undef MG_R_NAME
};

static const char *const descs[] = {
#define MG_R_DESC(n, s, d) d,
	MG_REASONS(MG_R_DESC)
#undef MG_R_DESC
};

const char *mg_reason_name(enum mg_reason r)
{
	return (unsigned)r < MG_R__COUNT ? names[r] : "unknown";
}

const char *mg_reason_desc(enum mg_reason r)
{
	return (unsigned)r < MG_R__COUNT ? descs[r] : "unknown reason";
}
