/* config.c - the built-in default configuration and address queries.
 * Parsing is in config_parse.c, rendering in config_format.c. */
#include "core/config.h"

#include <stddef.h>
#include <string.h>

#include "core/pkt.h"

const struct mg_config_timeout_name mg_config_timeout_names[] = {
	{"tcp-syn-sent", offsetof(struct mg_timeouts, tcp_syn_sent)},
	{"tcp-syn-recv", offsetof(struct mg_timeouts, tcp_syn_recv)},
	{"tcp-established", offsetof(struct mg_timeouts, tcp_established)},
	{"tcp-fin-wait", offsetof(struct mg_timeouts, tcp_fin_wait)},
	{"tcp-close-wait", offsetof(struct mg_timeouts, tcp_close_wait)},
	{"tcp-last-ack", offsetof(struct mg_timeouts, tcp_last_ack)},
	{"tcp-time-wait", offsetof(struct mg_timeouts, tcp_time_wait)},
	{"tcp-close", offsetof(struct mg_timeouts, tcp_close)},
	{"udp", offsetof(struct mg_timeouts, udp)},
	{"udp-stream", offsetof(struct mg_timeouts, udp_stream)},
	{"icmp", offsetof(struct mg_timeouts, icmp)},
	{"pinhole", offsetof(struct mg_timeouts, pinhole)},
	{"frag", offsetof(struct mg_timeouts, frag)},
	{"signalling-idle", offsetof(struct mg_timeouts, sig_idle)},
	{"directory", offsetof(struct mg_timeouts, directory)},
	{"route-setup", offsetof(struct mg_timeouts, route_setup)},
	{"registration", offsetof(struct mg_timeouts, registration)},
	{"registration-grace", offsetof(struct mg_timeouts, registration_grace)},
};
const unsigned mg_config_n_timeout_names =
	sizeof(mg_config_timeout_names) / sizeof(mg_config_timeout_names[0]);

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t x[4] = {a, b, c, d};
	uint32_t v;
	memcpy(&v, x, sizeof(v));
	return v;
}

/* NetMeeting's outbound ports per Microsoft KB 158623: ILS, ULS, T.120,
 * H.323 call setup, audio call control (TCP) and RAS (UDP). */
static const struct mg_allow kb158623[] = {
	{MG_PROTO_TCP, 389, 389},   {MG_PROTO_TCP, 522, 522},   {MG_PROTO_TCP, 1503, 1503},
	{MG_PROTO_TCP, 1720, 1720}, {MG_PROTO_TCP, 1731, 1731}, {MG_PROTO_UDP, 1719, 1719},
};

void mg_config_defaults(struct mg_config *c)
{
	memset(c, 0, sizeof(*c));
	/* The lab addresses of the bundled captures, for `--config default`
	 * only: the parser drops them, a file gives its own. */
	c->inside[0].addr = ip4(198, 18, 1, 0);
	c->inside[0].mask = ip4(255, 255, 255, 0);
	c->n_inside = 1;
	c->public_addr[0] = ip4(198, 19, 0, 1);
	c->n_public = 1;
	c->n_allow = sizeof(kb158623) / sizeof(kb158623[0]);
	memcpy(c->allow, kb158623, sizeof(kb158623));
	c->allow_set = false;
	c->nat = true;
	c->max_flows = 65536;
	c->max_bindings = 65536;
	c->max_pinholes = 16384;
	c->max_calls = 4096;
	c->max_frags = 1024;
	c->max_sig_per_source = 256;
	c->max_embryonic = 16384;
	c->max_directory = 4096;
	c->max_registrations = 1024;
	c->max_route_pending = 1024;
	c->max_route_pending_per_source = 16;
	c->max_pending_per_source = 32;
	c->max_frags_per_src = 64;
	c->port_lo = 1024;
	c->port_hi = 65535;
	c->to = (struct mg_timeouts){
		.tcp_syn_sent = 120,
		.tcp_syn_recv = 60,
		.tcp_established = 7440,
		.tcp_fin_wait = 120,
		.tcp_close_wait = 60,
		.tcp_last_ack = 30,
		.tcp_time_wait = 120,
		.tcp_close = 10,
		.udp = 30,
		.udp_stream = 180,
		.icmp = 30,
		.pinhole = 300,
		.frag = 30,
		.sig_idle = 20,
		.directory = 3600,
		.route_setup = 5,
		.registration = 3600,
		.registration_grace = 30,
	};
	c->alg_h323 = true;
	c->alg_ras = true;
	c->untranslatable = MG_UNTRANS_DROP;
	c->log_rate = 10;
	c->log_level = MG_LOG_NOTICE;
	memcpy(c->live.control, MG_CFG_CONTROL_DEFAULT, sizeof(MG_CFG_CONTROL_DEFAULT));
}

bool mg_config_is_inside(const struct mg_config *c, uint32_t addr)
{
	for (unsigned i = 0; i < c->n_inside && i < MG_CFG_MAX_INSIDE; i++)
		if ((addr & c->inside[i].mask) == c->inside[i].addr)
			return true;
	return false;
}

bool mg_config_is_public(const struct mg_config *c, uint32_t addr)
{
	for (unsigned i = 0; i < c->n_public && i < MG_CFG_MAX_PUBLIC; i++)
		if (c->public_addr[i] == addr)
			return true;
	return false;
}

bool mg_config_is_pool(const struct mg_config *c, uint32_t addr)
{
	for (unsigned i = 0; i < c->n_pool && i < MG_CFG_MAX_POOL; i++)
		if (c->pool_addr[i] == addr)
			return true;
	return false;
}

bool mg_config_is_ours(const struct mg_config *c, uint32_t addr)
{
	return mg_config_is_public(c, addr) || mg_config_is_pool(c, addr);
}

bool mg_config_forward_to(const struct mg_config *c, uint8_t proto, uint32_t to_addr, uint16_t to_port,
			  uint32_t *pub_addr, uint16_t *pub_port)
{
	for (unsigned i = 0; i < c->n_forward && i < MG_CFG_MAX_FORWARD; i++) {
		const struct mg_forward *f = &c->forward[i];
		uint32_t span = (uint32_t)f->pub_port_hi - f->pub_port;
		if (f->proto != proto || f->to_addr != to_addr || to_port < f->to_port ||
		    (uint32_t)to_port - f->to_port > span)
			continue;
		*pub_addr = f->pub_addr;
		*pub_port = (uint16_t)(f->pub_port + (to_port - f->to_port));
		return true;
	}
	return false;
}

static const char *const level_names[] = {"error", "warning", "notice", "info", "debug"};

const char *mg_log_level_name(int level)
{
	if (level < MG_LOG_ERROR || level > MG_LOG_DEBUG)
		return "?";
	return level_names[level - MG_LOG_ERROR];
}

int mg_log_level_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++)
		if (strcmp(name, level_names[i]) == 0)
			return MG_LOG_ERROR + i;
	return -1;
}
