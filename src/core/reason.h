/* reason.h - every verdict reason meetgate can give, from one list.
 *
 * MG_REASONS generates the enum (MG_R_<NAME>), the printable names and the
 * counters (struct mg_stats dropped[] and events[], counted only in
 * core/engine_count.c).  A reason is either a drop (the packet
 * is not forwarded) or an event (counted and logged, packet still passes,
 * e.g. an ALG field passed untranslated because policy says "pass").
 * Add new reasons inside the section of the module that produces them.
 */
#ifndef MG_REASON_H
#define MG_REASON_H

/* X(NAME, "printable-name", "what happened": the reference for the name) */
#define MG_REASONS(X)                                                                          \
	X(NONE, "none", "no drop")                                                             \
	/* packet parsing (core/pkt) */                                                        \
	X(PKT_SHORT, "pkt-short", "packet shorter than its L3 header")                        \
	X(PKT_BAD_VERSION, "pkt-bad-version", "IP version neither 4 nor 6")                   \
	X(PKT_BAD_IHL, "pkt-bad-ihl", "IPv4 header length below 20 or past the packet")       \
	X(PKT_BAD_TOTLEN, "pkt-bad-totlen", "IP total/payload length disagrees with packet")  \
	X(PKT_BAD_IPCSUM, "pkt-bad-ipcsum", "IPv4 header checksum wrong")                     \
	X(PKT_BAD_OPTIONS, "pkt-bad-options", "IPv4 options malformed")                       \
	X(PKT_BAD_L4, "pkt-bad-l4", "TCP/UDP/ICMP header truncated or inconsistent")          \
	X(PKT_BAD_TCP_FLAGS, "pkt-bad-tcp-flags", "impossible TCP flag combination")          \
	X(PKT_BAD_EXTHDR, "pkt-bad-exthdr", "IPv6 extension header chain malformed/too long") \
	X(PKT_BAD_PORT, "pkt-bad-port", "TCP/UDP port 0")                                     \
	X(PKT_BAD_SRC, "pkt-bad-src", "source address is broadcast/multicast/loopback")       \
	X(PKT_UNSUPPORTED, "pkt-unsupported", "L4 protocol not handled by policy")            \
	X(FRAG_NO_FIRST, "frag-no-first", "non-first fragment with no known first fragment")  \
	X(FRAG_OVERLAP, "frag-overlap", "fragment rewrites the L4 header (tiny/overlapping)") \
	X(FRAG_TABLE_FULL, "frag-table-full", "fragment table full: its oldest incomplete datagram evicted") \
	X(FRAG_SOURCE_LIMIT, "frag-source-limit", "source at max frags-per-source: its oldest incomplete datagram evicted") \
	X(ICMP_ERR_NO_FLOW, "icmp-err-no-flow", "ICMP error quoting a packet of no flow")     \
	X(ICMP_ERR_BAD_INNER, "icmp-err-bad-inner", "ICMP error quote malformed")             \
	X(L4_BAD_CHECKSUM, "l4-bad-checksum", "TCP/UDP checksum wrong on a segment an ALG parses") \
	/* connection tracking (core/ct, core/ct_tcp) */                                       \
	X(CT_FULL, "ct-full", "flow table full: new flow refused")                            \
	X(CT_EARLY_DROP, "ct-early-drop", "oldest embryonic TCP flow dropped to make room")      \
	X(TCP_NO_SYN, "tcp-no-syn", "new TCP flow does not start with SYN")                   \
	X(TCP_OUT_OF_WINDOW, "tcp-out-of-window", "TCP segment outside the sequence window")  \
	X(TCP_BAD_ACK, "tcp-bad-ack", "TCP acknowledges data never sent")                     \
	X(TCP_BAD_RST, "tcp-bad-rst", "TCP RST outside the window")                           \
	X(TCP_INVALID_STATE, "tcp-invalid-state", "TCP flags invalid in this state")          \
	X(TCP_REOPENED, "tcp-reopened", "SYN on a closed connection's tuple: a new connection") \
	/* NAT (core/nat, core/nat_port) */                                                    \
	X(NAT_NO_PORT, "nat-no-port", "no free public port for a new mapping")                \
	X(NAT_TABLE_FULL, "nat-table-full", "NAT binding table full")                         \
	/* policy */                                                                           \
	X(POLICY_OUTBOUND, "policy-outbound", "outbound flow not allowed by policy")          \
	X(INBOUND_NO_PINHOLE, "inbound-no-pinhole", "inbound flow: no pinhole or forward admitted it") \
	X(POLICY_NO_PUBLIC, "policy-no-public", "no public address configured for NAT")       \
	X(POLICY_SPOOF, "policy-spoof", "inside-side packet from an address not inside")      \
	X(EXPECT_FULL, "expect-full", "pinhole table full")                                    \
	/* application-layer gateways (alg/) */                                                \
	X(ALG_STREAM_OVERFLOW, "alg-stream-overflow", "signalling message larger than the stream buffer") \
	X(ALG_TPKT_BAD, "alg-tpkt-bad", "TPKT header invalid")                                \
	X(ALG_Q931_BAD, "alg-q931-bad", "Q.931 message malformed")                            \
	X(ALG_H225_BAD, "alg-h225-bad", "H.225.0 UUIE undecodable")                           \
	X(ALG_H245_BAD, "alg-h245-bad", "H.245 message undecodable")                          \
	X(ALG_LDAP_BAD, "alg-ldap-bad", "LDAP (ILS) message undecodable (BER)")                \
	X(ALG_LIMIT, "alg-limit", "an ALG limit was reached (addresses, channels, depth)")    \
	X(ALG_UNTRANSLATED, "alg-untranslated", "inside address could not be translated")     \
	X(ALG_CALL_TABLE_FULL, "alg-call-table-full", "call table full")                      \
	X(ALG_FOREIGN_CALL, "alg-foreign-call", "message names a call of another signalling connection") \
	X(ALG_SOURCE_LIMIT, "alg-source-limit", "source holds max signalling-per-source connections") \
	X(ALG_PENDING_LIMIT, "alg-pending-limit", "source holds max pending-per-source connections without a call") \
	X(ALG_SOURCE_TABLE_FULL, "alg-source-table-full", "too many sources hold signalling connections") \
	X(ALG_OUT_OF_ORDER, "alg-out-of-order", "signalling segment ahead of a gap, held back") \
	X(ALG_NAT_FAILED, "alg-nat-failed", "no public binding for a negotiated address")  \
	X(ALG_H460_SETUP, "h460-setup", "an inside endpoint's call signalling names H.460.18/.19 and it traverses the NAT itself (`alg h460`): the call's addresses from inside pass unmodified") \
	X(SEQADJ_FULL, "seqadj-full", "a length-changing edit found the flow's sequence-adjust table full") \
	X(SEQADJ_ORDER, "seqadj-order", "a length-changing edit before or over an earlier one") \
	X(SEQADJ_LONG, "seqadj-long", "a length-changing edit longer than an edit can keep") \
	X(SEQADJ_NO_TABLE, "seqadj-no-table", "no free sequence-adjust table for a length-changing edit") \
	X(SEQADJ_TOO_BIG, "seqadj-too-big", "an edited segment cannot be split within the receiver's MSS") \
	X(SEQADJ_ABSORBED, "seqadj-absorbed", "a segment lying inside a replaced range carries nothing to send") \
	X(RAS_UNTRANSLATED, "ras-untranslated", "H.225.0 RAS from the inside crossing the NAT with an address that could not be translated (or `alg ras off`)") \
	X(RAS_H460, "ras-h460", "RAS of an inside endpoint that traverses the NAT itself (H.460.18/.19, `alg h460`) passed unmodified") \
	X(H460_TRANSLATED, "h460-translated", "a message naming H.460.18/.19 was translated like any other (`alg h460`: not confirmed by the gatekeeper, translate, or sent from outside)") \
	X(RAS_REGISTERED, "ras-registered", "an inside endpoint's RAS registration was confirmed: public call-signalling address, pinhole, directory") \
	X(RAS_UNREGISTERED, "ras-unregistered", "an inside endpoint's RAS registration ended (URQ/UCF, or an RRJ to its renewal)") \
	X(RAS_EXPIRED, "ras-expired", "an inside endpoint's RAS registration was not renewed in time: ended") \
	X(RAS_REG_FULL, "ras-reg-full", "registration table full (`max registrations`): the RRQ's registration not followed") \
	X(RAS_HOLD_FULL, "ras-hold-full", "no room to hold another binding for an address named in RAS") \
	X(ILS_UNTRANSLATED, "ils-untranslated", "ILS/LDAP from the inside carrying an inside address that could not be translated") \
	X(ILS_REGISTERED, "ils-registered", "an inside user's ILS registration entered the directory") \
	X(ILS_UNREGISTERED, "ils-unregistered", "an inside user's ILS registration was deleted: directory entry and route gone") \
	X(ILS_RESULT_TRANSLATED, "ils-result-translated", "an outside ILS search result naming one of our public addresses now names the inside host") \
	/* the directory of inside endpoints (core/dir) */                                     \
	X(DIR_CONFLICT, "dir-conflict", "a learned alias is held by a static entry for another host") \
	X(DIR_FULL, "dir-full", "directory full: a learned alias was not stored")             \
	X(DIR_BAD_ALIAS, "dir-bad-alias", "an alias empty or too long for the directory")      \
	/* the public address pool (core/pool) */                                              \
	X(POOL_ASSIGNED, "pool-assigned", "an inside host got an address of the pool while its registration lives") \
	X(POOL_RELEASED, "pool-released", "an inside host's last registration went: its pool address is free again") \
	X(POOL_EXHAUSTED, "pool-exhausted", "an inside host asked for a pool address and none was free: reached through the shared public address") \
	/* inbound call routing on one public 1720 (core/route) */                             \
	X(ROUTE_COOKIE, "route-cookie", "a SYN to a routed public 1720 was answered with a SYN cookie") \
	X(ROUTE_BAD_COOKIE, "route-bad-cookie", "an ACK to a routed public 1720 carried no valid SYN cookie") \
	X(ROUTE_PENDING_FULL, "route-pending-full", "no room for another connection waiting for its Setup") \
	X(ROUTE_PENDING_SOURCE, "route-pending-source", "a source holds max route-pending-per-source connections waiting for their Setup") \
	X(ROUTE_SETUP_TIMEOUT, "route-setup-timeout", "a routed connection sent no complete Setup in time: reset") \
	X(ROUTE_SETUP_TOO_BIG, "route-setup-too-big", "a routed connection's first message exceeds the Setup buffer: reset") \
	X(ROUTE_NOT_SETUP, "route-not-setup", "a routed connection's first message is not a decodable Setup: released") \
	X(ROUTE_NO_ROUTE, "route-no-route", "no inside host for an inbound Setup: ReleaseComplete sent") \
	X(ROUTE_ROUTED, "route-routed", "an inbound Setup was routed to an inside host")      \
	X(ROUTE_INSIDE_FAILED, "route-inside-failed", "the inside host of a routed call refused or did not answer: released") \
	X(ROUTE_JOINING, "route-joining", "a segment of a routed connection while its inside leg opens: held back (the caller retransmits)") \
	X(ROUTE_SEGMENT, "route-segment", "a segment of a connection waiting for its Setup that is out of order or not acceptable")

enum mg_reason {
#define MG_R_ENUM(n, s, d) MG_R_##n,
	MG_REASONS(MG_R_ENUM)
#undef MG_R_ENUM
	MG_R__COUNT
};

const char *mg_reason_name(enum mg_reason r);

#endif
