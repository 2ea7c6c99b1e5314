// SPDX-License-Identifier: GPL-2.0
/*
 * RECV: receive one message asynchronously, as an io_uring command
 * (IORING_OP_URING_CMD, cmd_op RELQ_URING_RECV) on an open channel file.
 * Built for kernels with cancelable io_uring commands (6.7); compat.h
 * answers -EOPNOTSUPP before that.
 *
 * A RECV that finds a message takes it at once, like a non-blocking
 * read(). Otherwise it is pended in the channel's cancel-safe queue
 * (csq.c) and completes exactly once, with whichever comes first:
 *
 * - a message: the writer takes the oldest RECV (ACTIVE) and asks for
 *   relq_recv_deliver_tw() in the submitter's context, which reads the
 *   message into the RECV's buffer (or puts the RECV back first in line
 *   if another reader got the message);
 * - io_uring's cancellation (ring or task exit): -ECANCELED;
 * - DESTROY: the channel's queue closes, -ENODEV;
 * - a close(2) of the file by the RECV's owner (the task's file table
 *   that submitted it): .flush cancels it, -ECANCELED.
 *
 * Every completion runs in task work or in io_uring's cancel call, with
 * the issue_flags io_uring gave it, and never under the queue lock. A
 * pended command holds its file, so the file (and its channel) outlives
 * every RECV on it.
 */
#include "relq_internal.h"

#include <linux/slab.h>
#include <linux/uio.h>

#include "relq_trace.h"

/* A pended RECV: the io_uring command and where its message goes. */
struct relq_recv_req {
	struct relq_req req;
	struct io_uring_cmd *cmd;
	struct relq_channel *ch;
	u64 addr;
	u32 len;
};

/* What relq keeps in the command's own bytes. */
struct relq_recv_pdu {
	struct relq_recv_req *rr;
};

static struct relq_recv_req *relq_recv_of(struct io_uring_cmd *cmd)
{
	return io_uring_cmd_to_pdu(cmd, struct relq_recv_pdu)->rr;
}

/* One non-blocking attempt to read a message into the RECV's buffer. */
static ssize_t relq_recv_try(struct relq_channel *ch, struct file *file,
			     u64 addr, u32 len)
{
	struct iov_iter iter;
	struct kiocb kiocb;
	int ret;

	ret = import_ubuf(ITER_DEST, u64_to_user_ptr(addr), len, &iter);
	if (ret)
		return ret;
	init_sync_kiocb(&kiocb, file);
	kiocb.ki_flags |= IOCB_NOWAIT;
	return relq_channel_read(ch, &kiocb, &iter);
}

/* The one completion of a pended RECV: free it, post its CQE. */
static void relq_recv_finish(struct relq_recv_req *rr, ssize_t res,
			     unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = rr->cmd;

	kfree(rr);
	atomic_long_dec(&relq_nr_pended);
	io_uring_cmd_done(cmd, res, 0, issue_flags);
}

/*
 * In the submitter's context: the RECV was taken for a message (ACTIVE)
 * or by DESTROY (CANCELLED). Read the message, or wait again first in
 * line, or complete with the reason it ended.
 */
static void relq_recv_deliver_tw(struct io_uring_cmd *cmd,
				 unsigned int issue_flags)
{
	struct relq_recv_req *rr = relq_recv_of(cmd);
	struct relq_channel *ch = rr->ch;
	ssize_t ret;

	/* Taken by DESTROY (the queue closed) or by its owner's flush. */
	ret = relq_req_reason(&rr->req);
	if (ret == -ESHUTDOWN) {
		relq_recv_finish(rr, -ENODEV, issue_flags);
		return;
	}
	if (ret) {
		trace_relq_cancel(ch->id, false, ret);
		relq_recv_finish(rr, ret, issue_flags);
		return;
	}
	ret = relq_recv_try(ch, cmd->file, rr->addr, rr->len);
	if (ret == -EAGAIN) {
		/* Another reader got the message: back to the head. */
		ret = relq_csq_requeue(&ch->recvq, &rr->req);
		if (!ret)
			return;
		if (ret == -ESHUTDOWN)
			ret = -ENODEV;
	} else {
		relq_csq_complete(&ch->recvq, &rr->req);
	}
	relq_recv_finish(rr, ret, issue_flags);
}

/* relq_req.notify: schedule the delivery in the submitter's context. */
static void relq_recv_notify(struct relq_req *r)
{
	struct relq_recv_req *rr = container_of(r, struct relq_recv_req, req);

	io_uring_cmd_complete_in_task(rr->cmd, relq_recv_deliver_tw);
}

/*
 * io_uring cancels (ring teardown, process exit): complete if still
 * pended, with a relq_cancel trace event, as for a read a signal ended.
 */
static void relq_recv_cancel(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct relq_recv_req *rr = relq_recv_of(cmd);

	/* Taken already: its delivery completes it (-ECANCELED if requeued). */
	if (relq_csq_cancel(&rr->ch->recvq, &rr->req)) {
		trace_relq_cancel(rr->ch->id, false, -ECANCELED);
		relq_recv_finish(rr, -ECANCELED, issue_flags);
	}
}

/* Issue: take a message now, or pend. */
static int relq_recv_issue(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct relq_channel *ch = cmd->file->private_data;
	const struct relq_recv *ucmd = io_uring_sqe_cmd(cmd->sqe);
	struct relq_recv_req *rr;
	ssize_t ret;
	u64 addr;
	u32 len;

	if (!(cmd->file->f_mode & FMODE_READ))
		return -EBADF;
	/* The SQE is shared with user space: each field is read once. */
	addr = READ_ONCE(ucmd->addr);
	len = READ_ONCE(ucmd->len);
	if (READ_ONCE(ucmd->flags))
		return -EINVAL;
	ret = relq_recv_try(ch, cmd->file, addr, len);
	if (ret != -EAGAIN)
		return ret;

	rr = kzalloc(sizeof(*rr), GFP_KERNEL_ACCOUNT);
	if (!rr)
		return -ENOMEM;
	/* The owner a close of this file passes to .flush: our file table. */
	relq_req_init(&rr->req, cmd->file, current->files);
	rr->req.notify = relq_recv_notify;
	rr->cmd = cmd;
	rr->ch = ch;
	rr->addr = addr;
	rr->len = len;
	io_uring_cmd_to_pdu(cmd, struct relq_recv_pdu)->rr = rr;
	if (relq_csq_insert(&ch->recvq, &rr->req)) {
		/* Closed: the channel was destroyed since the attempt. */
		kfree(rr);
		return -ENODEV;
	}
	atomic_long_inc(&relq_nr_pended);
	/*
	 * Marked after the insert: nothing completes a pended RECV but task
	 * work and the cancel call, which io_uring runs under the same ring
	 * lock as this issue, so none can run before we return.
	 */
	io_uring_cmd_mark_cancelable(cmd, issue_flags);
	/*
	 * A message committed between the attempt and the insert found no
	 * RECV. Pairs with the barrier in the writer's wq_has_sleeper():
	 * either it sees this RECV, or this sees its message.
	 */
	smp_mb();
	relq_channel_recv_kick(ch);
	return -EIOCBQUEUED;
}

/* Issued from io-wq (no ring lock): run the issue in the submitter's task. */
static void relq_recv_issue_tw(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	int ret = relq_recv_issue(cmd, issue_flags);

	if (ret != -EIOCBQUEUED)
		io_uring_cmd_done(cmd, ret, 0, issue_flags);
}

/**
 * relq_recv_uring_cmd() - a channel file's io_uring commands
 * @cmd: the command
 * @issue_flags: io_uring's, passed on untouched
 *
 * Context: io_uring issue, or its cancel call (%IO_URING_F_CANCEL).
 * Return: the result, or -EIOCBQUEUED for a pended RECV; -ENOTTY for an
 * unknown command.
 */
int relq_recv_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_CANCEL) {
		relq_recv_cancel(cmd, issue_flags);
		return 0;
	}
	if (cmd->cmd_op != RELQ_URING_RECV)
		return -ENOTTY;
	if (issue_flags & IO_URING_F_UNLOCKED) {
		io_uring_cmd_complete_in_task(cmd, relq_recv_issue_tw);
		return -EIOCBQUEUED;
	}
	return relq_recv_issue(cmd, issue_flags);
}
