/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relq's tracepoints, the counterpart of Driver Verifier's IRP logging:
 * one relq_enqueue per message sent, one relq_dequeue per message
 * received, one relq_complete or relq_cancel per read or write
 * request, one relq_forward per message a linked channel passed on, and
 * one relq_flush per close(2) of a channel file. Enable them
 * with tracefs: events/relq/enable.
 *
 * A trace header is read more than once (define_trace.h includes it again
 * with CREATE_TRACE_POINTS), so it cannot live in relq_internal.h.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM relq

#if !defined(_RELQ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RELQ_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(relq_message,
	TP_PROTO(u32 id, u32 len, u32 depth),
	TP_ARGS(id, len, depth),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(u32, len)
		__field(u32, depth)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->len = len;
		__entry->depth = depth;
	),
	TP_printk("channel=%u len=%u depth=%u", __entry->id, __entry->len,
		  __entry->depth)
);

/* A message was committed to the ring; depth counts it. */
DEFINE_EVENT(relq_message, relq_enqueue,
	TP_PROTO(u32 id, u32 len, u32 depth),
	TP_ARGS(id, len, depth)
);

/* A message was consumed from the ring; depth no longer counts it. */
DEFINE_EVENT(relq_message, relq_dequeue,
	TP_PROTO(u32 id, u32 len, u32 depth),
	TP_ARGS(id, len, depth)
);

DECLARE_EVENT_CLASS(relq_request,
	TP_PROTO(u32 id, bool write, long ret),
	TP_ARGS(id, write, ret),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(bool, write)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->write = write;
		__entry->ret = ret;
	),
	TP_printk("channel=%u op=%s ret=%ld", __entry->id,
		  __entry->write ? "write" : "read", __entry->ret)
);

/* A read or write request ended: a message moved, or an errno. */
DEFINE_EVENT(relq_request, relq_complete,
	TP_PROTO(u32 id, bool write, long ret),
	TP_ARGS(id, write, ret)
);

/* A read or write request was cancelled by a signal while it waited. */
DEFINE_EVENT(relq_request, relq_cancel,
	TP_PROTO(u32 id, bool write, long ret),
	TP_ARGS(id, write, ret)
);

/*
 * A linked channel passed a message on to channel @lower: @ret is the
 * lower write's result (the length, or an errno; -EPIPE for a lower that
 * is gone).
 */
TRACE_EVENT(relq_forward,
	TP_PROTO(u32 id, u32 lower, long ret),
	TP_ARGS(id, lower, ret),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(u32, lower)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->lower = lower;
		__entry->ret = ret;
	),
	TP_printk("channel=%u lower=%u ret=%ld", __entry->id, __entry->lower,
		  __entry->ret)
);

/*
 * A close(2) of a channel file ran .flush: @cancelled RECVs of the
 * closing owner were cancelled. Kernel-held references (io_uring's,
 * LINK's) are dropped without a flush, so they never emit it.
 */
TRACE_EVENT(relq_flush,
	TP_PROTO(u32 id, unsigned int cancelled),
	TP_ARGS(id, cancelled),
	TP_STRUCT__entry(
		__field(u32, id)
		__field(unsigned int, cancelled)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->cancelled = cancelled;
	),
	TP_printk("channel=%u cancelled=%u", __entry->id, __entry->cancelled)
);

#endif /* _RELQ_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE relq_trace
#include <trace/define_trace.h>
