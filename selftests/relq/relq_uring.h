/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring helpers shared by relq's kselftests that link liburing
 * (relq_uring_test.c, relq_reach_test.c): a RECV SQE, an
 * IORING_OP_URING_CMD with cmd_op RELQ_URING_RECV and a struct relq_recv
 * in its command area.
 */
#ifndef RELQ_URING_H
#define RELQ_URING_H

#include <stdint.h>
#include <string.h>
#include <liburing.h>

#include <linux/relq.h>

/*
 * Make @sqe a RECV of at most @len bytes into @buf on @fd, with @flags
 * in struct relq_recv's flags and @user_data in the SQE's.
 */
static inline void relq_prep_recv(struct io_uring_sqe *sqe, int fd, void *buf,
				  __u32 len, __u32 flags, __u64 user_data)
{
	struct relq_recv *rc;

	if (!sqe)	/* the ring is never full here */
		return;
	rc = (struct relq_recv *)sqe->cmd;
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = RELQ_URING_RECV;
	sqe->user_data = user_data;
	rc->addr = (uintptr_t)buf;
	rc->len = len;
	rc->flags = flags;
}

#endif /* RELQ_URING_H */
