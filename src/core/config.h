/* config.h - meetgate configuration: what the config file says, parsed.
 *
 * The file format is documented in doc/config.md.  mg_config_defaults()
 * gives the built-in default (the NetMeeting policy of KB 158623 on the lab
 * addresses: `--config default`); mg_config_parse_* start from the defaults
 * without their addresses and apply each line, so a file must give at least
 * one `inside` and one `public` line.  Errors name the file, line and the
 * offending token.
 */
#ifndef MG_CONFIG_H
#define MG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_CFG_MAX_INSIDE 16
#define MG_CFG_MAX_PUBLIC 16
#define MG_CFG_MAX_POOL 64 /* addresses of all `pool` lines together */
#define MG_CFG_MAX_FORWARD 64
#define MG_CFG_MAX_ALLOW 64
#define MG_CFG_MAX_ALIAS 256
#define MG_CFG_ALIAS_LEN 48 /* characters of an alias, NUL included (= MG_DIR_KEY_LEN) */

struct mg_prefix4 {
	uint32_t addr; /* network order */
	uint32_t mask; /* network order */
};

/* forward <proto> [<public-ip>:]<port>[-<port>] to <ip>:<port> */
struct mg_forward {
	uint8_t proto;       /* MG_PROTO_TCP / MG_PROTO_UDP */
	uint32_t pub_addr;   /* network order; 0 = every public address */
	uint16_t pub_port;
	uint16_t pub_port_hi; /* == pub_port for a single port */
	uint32_t to_addr;    /* network order */
	uint16_t to_port;    /* target of pub_port; a range maps 1:1 */
};

/* allow outbound <proto> <port>[-<port>][,...] ; proto 0 = any protocol */
struct mg_allow {
	uint8_t proto; /* MG_PROTO_TCP / MG_PROTO_UDP / MG_PROTO_ICMP, 0 = any */
	uint16_t lo, hi;
};

/* alias <name> <inside-address>[:<port>] [pool]: a static directory entry */
struct mg_alias_cfg {
	char name[MG_CFG_ALIAS_LEN];
	uint8_t type;   /* enum mg_alias_type (core/engine.h): DIGITS or NAME as written */
	uint32_t addr;  /* network order */
	uint16_t port;  /* 1720 unless given */
	bool pool;      /* asks for a pool address while the entry lives */
	unsigned line;  /* for messages */
};

enum mg_untranslatable { MG_UNTRANS_DROP = 0, MG_UNTRANS_PASS = 1 };
/* "alg media-source": whom a call's inbound pinholes admit.  PEER: the
 * signalling peer only; NEGOTIATED: that, and for media (UDP) the address
 * the outside endpoint gave for its own media too (the last mediaChannel /
 * mediaControlChannel it sent: OLC, OLCAck, fastStart); ANY: any source. */
enum mg_media_source { MG_MEDIA_NEGOTIATED = 0, MG_MEDIA_PEER = 1, MG_MEDIA_ANY = 2 };
/* "peer", "negotiated", "any"; "?" for any other value. */
const char *mg_media_source_name(enum mg_media_source m);
/* "alg h460": when RAS and call signalling of an inside endpoint that
 * names H.460.18 / H.460.19 pass with its addresses unmodified. */
enum mg_h460_policy { MG_H460_CONFIRMED = 0, MG_H460_PASS = 1, MG_H460_TRANSLATE = 2 };
const char *mg_h460_policy_name(enum mg_h460_policy p);

#define MG_CFG_IFNAME_MAX 16 /* IFNAMSIZ: 15 characters and the NUL */
#define MG_CFG_PATH_MAX 108  /* sun_path of a UNIX socket address */
#define MG_CFG_CONTROL_DEFAULT "/run/meetgate.sock"

/* Where `meetgate run` takes packets from (doc/live.md, "Data paths"). */
enum mg_datapath { MG_DATAPATH_NFQUEUE = 0, MG_DATAPATH_AFXDP = 1 };
/* XDP attach mode: auto tries the driver's own hook, then the generic one. */
enum mg_xdp_mode { MG_XDP_AUTO = 0, MG_XDP_NATIVE = 1, MG_XDP_GENERIC = 2 };

/* The live gateway (`meetgate run`, doc/live.md); the engine ignores these. */
struct mg_config_live {
	char if_inside[MG_CFG_IFNAME_MAX];  /* "interface inside <name>", "" = not given */
	char if_outside[MG_CFG_IFNAME_MAX]; /* "interface outside <name>" */
	uint16_t queue;                     /* "queue <n>": the NFQUEUE number [0] */
	uint8_t datapath;                   /* "datapath nfqueue|afxdp [native|generic]": enum mg_datapath */
	uint8_t xdp_mode;                   /* enum mg_xdp_mode: how the XDP program attaches [auto] */
	bool fail_open;                     /* "fail open|closed" [closed] */
	char control[MG_CFG_PATH_MAX];      /* "control <path>" */
	bool sysctl_keep;                   /* "sysctl manage|keep" [manage]: only check them */
	uint32_t metrics_addr;              /* "metrics <ipv4>:<port>" (network order) [off] */
	uint16_t metrics_port;              /* 0 = no metrics endpoint */
};

struct mg_timeouts { /* seconds */
	uint32_t tcp_syn_sent, tcp_syn_recv, tcp_established, tcp_fin_wait, tcp_close_wait,
		tcp_last_ack, tcp_time_wait, tcp_close;
	uint32_t udp, udp_stream, icmp;
	uint32_t pinhole;   /* an ALG pinhole that admitted nothing since it was opened */
	uint32_t frag;      /* fragment tracking entry */
	uint32_t sig_idle;  /* a call-signalling connection that carries no call */
	uint32_t directory; /* a learned directory entry not refreshed */
	uint32_t route_setup; /* a routed connection waiting for its Setup */
	uint32_t registration;       /* a RAS registration with no timeToLive */
	uint32_t registration_grace; /* added to a RAS registration's lifetime */
};

struct mg_config {
	struct mg_prefix4 inside[MG_CFG_MAX_INSIDE];
	unsigned n_inside;
	uint32_t public_addr[MG_CFG_MAX_PUBLIC]; /* network order */
	unsigned n_public;
	/* pool <address>[-<address>]: outside addresses of the gateway lent to
	 * registered inside hosts one to one (core/pool.h); never NAPT's */
	uint32_t pool_addr[MG_CFG_MAX_POOL]; /* network order, in file order */
	unsigned n_pool;
	struct mg_forward forward[MG_CFG_MAX_FORWARD];
	unsigned n_forward;
	struct mg_allow allow[MG_CFG_MAX_ALLOW];
	unsigned n_allow;
	bool allow_set;          /* an "allow outbound" line was given */
	bool nat;                /* "nat off": filter only, no translation */
	uint32_t max_flows, max_bindings, max_pinholes, max_calls, max_frags;
	/* call-signalling connections one source address may hold: in all, and
	 * still without a call ("max signalling-per-source", "max
	 * pending-per-source") */
	uint32_t max_sig_per_source, max_pending_per_source;
	/* TCP flows whose handshake has not completed ("max embryonic"); the
	 * engine uses at most half of max flows */
	uint32_t max_embryonic;
	uint32_t max_frags_per_src; /* incomplete fragmented datagrams of one source */
	uint32_t max_registrations; /* RAS registrations followed (alg/ras.h) */
	uint32_t max_directory;   /* directory entries, static and learned */
	/* routed connections waiting for their Setup: in all, per source */
	uint32_t max_route_pending, max_route_pending_per_source;
	/* route h323 [<public-address>]: inbound calls to TCP 1720 of these
	 * public addresses are routed by the directory (route_all: every one) */
	bool route_all;
	uint32_t route_addr[MG_CFG_MAX_PUBLIC];
	unsigned n_route;
	struct mg_alias_cfg alias[MG_CFG_MAX_ALIAS];
	unsigned n_alias;
	uint16_t port_lo, port_hi; /* public ports NAT may allocate */
	struct mg_timeouts to;
	bool alg_h323;           /* "alg h323 on|off" */
	bool alg_ras;            /* "alg ras on|off": off = the RAS guard only */
	enum mg_h460_policy h460; /* "alg h460 confirmed|pass|translate" */
	bool ras_reachable_gk;   /* "ras reachable any|gatekeeper": who may call a registered endpoint */
	enum mg_untranslatable untranslatable; /* "alg untranslatable drop|pass" */
	enum mg_media_source media_source; /* "alg media-source peer|negotiated|any" */
	bool malformed_outside_drop; /* "alg malformed-outside drop|pass": undecodable signalling from outside */
	uint32_t log_rate;       /* log lines per second per reason */
	uint8_t log_level;       /* "log-level": enum mg_log_level, lines above it are not written */
	struct mg_config_live live;
};

/* Severity of a log line, numbered as syslog(3) numbers them (LOG_ERR ..
 * LOG_DEBUG) so that a syslog destination maps them one to one. */
enum mg_log_level {
	MG_LOG_ERROR = 3,
	MG_LOG_WARNING = 4,
	MG_LOG_NOTICE = 5,
	MG_LOG_INFO = 6,
	MG_LOG_DEBUG = 7,
};
/* "error", "warning", ...; "?" for a number that is not a level. */
const char *mg_log_level_name(int level);
/* The level a name stands for, or -1. */
int mg_log_level_parse(const char *name);

/* Fill `c` with the built-in default (see doc/config.md). */
void mg_config_defaults(struct mg_config *c);

/* Parse a file / a string (`name` is used in messages).  On error returns -1
 * and writes "name:LINE: message 'token'" into err[errlen]. */
int mg_config_parse_file(struct mg_config *c, const char *path, char *err, size_t errlen);
int mg_config_parse_string(struct mg_config *c, const char *text, const char *name, char *err,
			   size_t errlen);

/* Render the effective configuration in file syntax (for `check-config`). */
int mg_config_format(const struct mg_config *c, char *out, size_t outlen);

/* Is a network-order IPv4 address inside?  A `public` address?  A `pool`
 * address?  One of the gateway's outside addresses (public or pool: what
 * it receives traffic for and what an ALG must not take for a peer)? */
bool mg_config_is_inside(const struct mg_config *c, uint32_t addr);
bool mg_config_is_public(const struct mg_config *c, uint32_t addr);
bool mg_config_is_pool(const struct mg_config *c, uint32_t addr);
bool mg_config_is_ours(const struct mg_config *c, uint32_t addr);

/* The public address:port a static forward makes an inside endpoint
 * reachable on (pub_addr 0: the forward holds on every public address). */
bool mg_config_forward_to(const struct mg_config *c, uint8_t proto, uint32_t to_addr, uint16_t to_port,
			  uint32_t *pub_addr, uint16_t *pub_port);

/* mg_config_format works like snprintf: it returns the length of the whole
 * text (NUL excluded) and writes as much as fits, always NUL-terminated when
 * outlen > 0; a result >= outlen means the output was cut.  -1 only on an
 * internal formatting error.  MG_CFG_FORMAT_MAX is always enough. */
#define MG_CFG_FORMAT_MAX 65536 /* 256 alias lines alone take up to 21 KiB */

/* The `timeout` names in file order, each with the offset of its field in
 * struct mg_timeouts (shared by the parser and the formatter). */
struct mg_config_timeout_name {
	const char *name;
	size_t off;
};
extern const struct mg_config_timeout_name mg_config_timeout_names[];
extern const unsigned mg_config_n_timeout_names;

#endif
