/* q931_cause.c - Q.850 cause names, H.225.0 ReleaseCompleteReason names and
 * the pairing between them a gateway uses (see q931_build.h). */
#include "proto/q931_build.h"

#include "proto/h323_scan.h"

uint8_t mg_q931_cause_reason(uint8_t cause)
{
	switch (cause) {
	case 1:
	case 20:
		return MG_H225_RR_CALLED_NOT_REGISTERED;
	case 3:
	case 27:
		return MG_H225_RR_UNREACHABLE_DESTINATION;
	case 17:
		return MG_H225_RR_IN_CONF;
	case 28:
		return MG_H225_RR_BAD_FORMAT_ADDRESS;
	case 34:
		return MG_H225_RR_NO_BANDWIDTH;
	case 41:
		return MG_H225_RR_ADAPTIVE_BUSY;
	case 42:
	case 47:
		return MG_H225_RR_GATEWAY_RESOURCES;
	default:
		return MG_H225_RR_NONE;
	}
}

struct cause_name {
	uint8_t v;
	const char *name;
};

static const struct cause_name causes[] = {
	{1, "unallocated number"},
	{2, "no route to specified transit network"},
	{3, "no route to destination"},
	{6, "channel unacceptable"},
	{16, "normal call clearing"},
	{17, "user busy"},
	{18, "no user responding"},
	{19, "no answer from user"},
	{20, "subscriber absent"},
	{21, "call rejected"},
	{22, "number changed"},
	{27, "destination out of order"},
	{28, "invalid number format"},
	{29, "facility rejected"},
	{31, "normal, unspecified"},
	{34, "no circuit/channel available"},
	{38, "network out of order"},
	{41, "temporary failure"},
	{42, "switching equipment congestion"},
	{44, "requested circuit/channel not available"},
	{47, "resource unavailable, unspecified"},
	{57, "bearer capability not authorized"},
	{58, "bearer capability not presently available"},
	{63, "service or option not available, unspecified"},
	{65, "bearer capability not implemented"},
	{79, "service or option not implemented, unspecified"},
	{88, "incompatible destination"},
	{95, "invalid message, unspecified"},
	{96, "mandatory information element is missing"},
	{97, "message type non-existent or not implemented"},
	{100, "invalid information element contents"},
	{102, "recovery on timer expiry"},
	{111, "protocol error, unspecified"},
	{127, "interworking, unspecified"},
};

const char *mg_q931_cause_name(uint8_t cause)
{
	for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++)
		if (causes[i].v == cause)
			return causes[i].name;
	return "unknown cause";
}

/* ReleaseCompleteReason in ASN.1 order: 12 root alternatives, then the
 * additions. */
static const char *const reasons[] = {
	"noBandwidth",
	"gatekeeperResources",
	"unreachableDestination",
	"destinationRejection",
	"invalidRevision",
	"noPermission",
	"unreachableGatekeeper",
	"gatewayResources",
	"badFormatAddress",
	"adaptiveBusy",
	"inConf",
	"undefinedReason",
	"facilityCallDeflection",
	"securityDenied",
	"calledPartyNotRegistered",
	"callerNotRegistered",
	"newConnectionNeeded",
	"nonStandardReason",
	"replaceWithConferenceInvite",
	"genericDataReason",
	"neededFeatureNotSupported",
	"tunnelledSignallingRejected",
	"invalidCID",
	"securityError",
	"hopCountExceeded",
};

const char *mg_h225_release_reason_name(uint8_t reason)
{
	if (reason < sizeof reasons / sizeof reasons[0])
		return reasons[reason];
	return "unknown";
}
