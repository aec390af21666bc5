/* rules_xt.c - append the xtables NFQUEUE target to chain `enqueue` of the
 * meetgate table, for kernels whose nf_tables lacks the queue expression
 * (rules.h).  One nf_tables batch: BEGIN, NEWRULE (one "target" expression),
 * END; the kernel acknowledges the rule and we wait for that answer. */
#include "io/rules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct nlmsghdr *put_msg(struct mnl_nlmsg_batch *b, uint16_t type, uint16_t flags,
				uint8_t family, uint32_t seq, uint16_t res_id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
	return nlh;
}

static void put_rule(struct nlmsghdr *nlh, uint16_t queue, bool fail_open)
{
	/* the kernel checks the info size against XT_ALIGN(sizeof info) */
	uint8_t info[8] = {0};
	struct xt_NFQ_info_v3 v = {.queuenum = queue, .queues_total = 1,
				   .flags = fail_open ? NFQ_FLAG_BYPASS : 0};
	memcpy(info, &v, sizeof(v));

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, MG_RULES_TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "enqueue");
	struct nlattr *list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	struct nlattr *elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "target");
	struct nlattr *data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_strz(nlh, NFTA_TARGET_NAME, "NFQUEUE");
	mnl_attr_put_u32(nlh, NFTA_TARGET_REV, htonl(3));
	mnl_attr_put(nlh, NFTA_TARGET_INFO, sizeof(info), info);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	mnl_attr_nest_end(nlh, list);
}

int mg_rules_xt_queue(uint16_t queue, bool fail_open, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL);
	int rc = -1;

	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "nf_tables netlink: %s", strerror(errno));
		goto close_socket;
	}
	uint32_t portid = mnl_socket_get_portid(nl);

	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	put_msg(b, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, AF_UNSPEC, seq++, NFNL_SUBSYS_NFTABLES);
	mnl_nlmsg_batch_next(b);
	uint32_t rule_seq = seq++;
	struct nlmsghdr *nlh = put_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE,
				       NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK,
				       NFPROTO_INET, rule_seq, 0);
	put_rule(nlh, queue, fail_open);
	mnl_nlmsg_batch_next(b);
	put_msg(b, NFNL_MSG_BATCH_END, NLM_F_REQUEST, AF_UNSPEC, seq++, NFNL_SUBSYS_NFTABLES);
	mnl_nlmsg_batch_next(b);

	size_t blen = mnl_nlmsg_batch_size(b);
	ssize_t sent = mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), blen);
	mnl_nlmsg_batch_stop(b);
	if (sent < 0 || (size_t)sent != blen) {
		snprintf(err, errlen, "nf_tables netlink send: %s", strerror(errno));
		goto close_socket;
	}
	/* the one answer asked for: an ack (error 0) or the rule's error */
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		snprintf(err, errlen, "nf_tables netlink receive: %s", strerror(errno));
		goto close_socket;
	}
	if (mnl_cb_run(buf, (size_t)n, rule_seq, portid, NULL, NULL) < 0) {
		snprintf(err, errlen, "kernel refused the xtables NFQUEUE target: %s",
			 strerror(errno));
		goto close_socket;
	}
	rc = 0;
close_socket:
	if (nl != NULL)
		mnl_socket_close(nl);
	return rc;
}
