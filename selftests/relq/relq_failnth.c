// SPDX-License-Identifier: GPL-2.0
/*
 * relq's low-resources simulation, the Driver Verifier counterpart that
 * needs a kernel with CONFIG_FAULT_INJECTION (relq's debug kernel):
 *
 * - T-ERR-1, T-OPEN-2: every syscall path runs with
 *   /proc/self/task/<tid>/fail-nth = 1, 2, ... until it succeeds without
 *   an injected failure, with failslab, fail_page_alloc and fail_usercopy
 *   all counting (including GFP_KERNEL allocations).
 * - T-UPTR-5: the same sweep with only fail_usercopy counting: every
 *   injected failure must be EFAULT.
 * - RECV (built with liburing): one RECV submitted through io_uring with a
 *   message queued (it completes at once), and one on an empty channel
 *   (it pends, and a message written after the sweep point completes it).
 *   The point may fire in io_uring's own submission, which then fails
 *   with EAGAIN or ENOMEM before relq sees the command.
 * - T-ERR-2: a probabilistic soak, 10 % failures of all three injectors
 *   for relq's busy tasks only (task-filter + make-it-fail): writers, a
 *   reader, a thread that opens, maps and polls, and one that CREATEs,
 *   LINKs, writes through the link, UNLINKs and DESTROYs.
 *
 * After each injected failure the errno must be one the operation may
 * return, the channel must still work (a probe message goes through), and
 * every queued message must still be there, in order. The sweep prints
 * one "# relq-points" line per operation for make verify's table.
 *
 * It is not a relq_*_test program: the plain suite never runs it, because
 * stock kernels have no fault injection; make verify does.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#ifdef RELQ_LIBURING
#include <liburing.h>
#endif

#define DBG		"/sys/kernel/debug"
#define INJECTORS	3
#define NTH_LIMIT	3000
#define MSG_MAX		256

static const char *const injector[INJECTORS] = {
	"failslab", "fail_page_alloc", "fail_usercopy",
};

enum fi_mode {
	FI_ALL,		/* slab, page allocator and user copies */
	FI_USERCOPY,	/* user copies only */
};

/* Write @val to the debugfs attribute DBG/@dir/@attr; 0 or an errno. */
static int fi_set(const char *dir, const char *attr, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), DBG "/%s/%s", dir, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? errno : 0;
}

/*
 * Quiet injectors (verbose 0: no stack dumps in the log), no random
 * failures, and a filter per mode. FI_USERCOPY silences the allocators
 * with filters that match nothing: failslab's cache filter (no relq cache
 * is marked SLAB_FAILSLAB) and an impossible minimum page order.
 */
static int fi_configure(enum fi_mode mode)
{
	bool all = mode == FI_ALL;
	int i, err = 0;

	for (i = 0; i < INJECTORS; i++) {
		err = err ?: fi_set(injector[i], "verbose", "0");
		err = err ?: fi_set(injector[i], "probability", "0");
		err = err ?: fi_set(injector[i], "task-filter", "N");
	}
	err = err ?: fi_set("failslab", "ignore-gfp-wait", all ? "N" : "Y");
	err = err ?: fi_set("failslab", "cache-filter", all ? "N" : "Y");
	err = err ?: fi_set("fail_page_alloc", "ignore-gfp-wait", all ? "N" : "Y");
	err = err ?: fi_set("fail_page_alloc", "ignore-gfp-highmem", "N");
	err = err ?: fi_set("fail_page_alloc", "min-order", all ? "0" : "11");
	return err;
}

/* fail-nth of the calling thread; an fd, or -1. */
static int nth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	return open(path, O_RDWR | O_CLOEXEC);
}

static void nth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(fd, buf, len, 0) != len)
		abort();
}

/*
 * Disarm; true if the armed failure fired during the operation (the count
 * reached zero). Reading and disarming are syscalls that copy to and from
 * user space themselves: a point left over may fire there instead (EFAULT),
 * which means it did not fire in the operation.
 */
static bool nth_disarm(int fd)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	while (pwrite(fd, "0", 1, 0) != 1)
		if (errno != EFAULT)
			abort();
	return n > 0 && buf[0] == '0' && (buf[1] == '\n' || !buf[1]);
}

/* The state an operation works on, rebuilt around every injection. */
struct fctx {
	int ctl;			/* /dev/relq-control */
	int ch;				/* the channel under test, O_NONBLOCK */
	int lo;				/* a second channel, LINK's target */
	char name[RELQ_NAME_LEN];
	char lo_name[RELQ_NAME_LEN];
	char tmp_name[RELQ_NAME_LEN];	/* CREATE/DESTROY's victim */
	struct relq_counters before;
	char got[MSG_MAX];		/* what the read under test returned */
	ssize_t got_len;
	struct relq_info info;
	struct relq_list_entry entries[16];
	struct relq_list list;
	int fionread;
	struct pollfd pfd;
	void *map;
#ifdef RELQ_LIBURING
	struct io_uring ring;
	bool have_ring;
	bool recv_pended;		/* the RECV under test has no CQE yet */
	bool submit_failed;		/* io_uring refused it before relq */
#endif
	char why[160];			/* the first broken invariant */
};

static const char *const base_msgs[] = { "alpha", "bravo-message" };
#define NBASE	2

static int fail(struct fctx *c, const char *fmt, const char *arg, int err)
{
	if (!c->why[0])
		snprintf(c->why, sizeof(c->why), "%s%s%s (%s)", fmt,
			 arg ? ": " : "", arg ?: "", strerror(err));
	return -1;
}

static int send_msg(struct fctx *c, int fd, const char *msg)
{
	ssize_t n = write(fd, msg, strlen(msg));

	if (n != (ssize_t)strlen(msg))
		return fail(c, "send failed", msg, errno);
	return 0;
}

static int queue_base(struct fctx *c)
{
	int i;

	for (i = 0; i < NBASE; i++)
		if (send_msg(c, c->ch, base_msgs[i]))
			return -1;
	return 0;
}

/*
 * The channel still works and holds exactly @want, in order: send a
 * probe, then read everything back (want..., probe, then EAGAIN).
 */
static int queue_is(struct fctx *c, const char *const *want, int n)
{
	char buf[MSG_MAX];
	ssize_t len;
	int i;

	if (send_msg(c, c->ch, "probe"))
		return -1;
	for (i = 0; i <= n; i++) {
		const char *w = i < n ? want[i] : "probe";

		len = read(c->ch, buf, sizeof(buf));
		if (len < 0)
			return fail(c, "a queued message is missing; expected", w, errno);
		if (len != (ssize_t)strlen(w) || memcmp(buf, w, len))
			return fail(c, "queue out of order or corrupt; expected", w, 0);
	}
	len = read(c->ch, buf, sizeof(buf));
	if (len >= 0 || errno != EAGAIN)
		return fail(c, "an extra message is queued", NULL, len < 0 ? errno : 0);
	return 0;
}

static int base_intact(struct fctx *c)
{
	return queue_is(c, base_msgs, NBASE) ?: queue_base(c);
}

static int counters_unchanged(struct fctx *c)
{
	struct relq_counters now;
	int err = relq_counters_read(&now);

	if (err)
		return fail(c, "cannot read relq's counters", NULL, err);
	if (now.open_files != c->before.open_files)
		return fail(c, "open_files changed", NULL, 0);
	if (now.live_channels != c->before.live_channels)
		return fail(c, "live_channels changed", NULL, 0);
	return 0;
}

/* One operation: run() is the only call made under injection. */
struct fop {
	const char *name;
	int (*setup)(struct fctx *c);
	long (*run)(struct fctx *c);
	int (*check)(struct fctx *c, long ret);
};

static long run_open(struct fctx *c)
{
	int fd = relq_open(c->name, O_RDWR);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int check_open(struct fctx *c, long ret)
{
	return counters_unchanged(c) ?: base_intact(c);
}

static long run_read(struct fctx *c)
{
	c->got_len = read(c->ch, c->got, sizeof(c->got));
	return c->got_len < 0 ? -1 : 0;
}

static int check_read(struct fctx *c, long ret)
{
	if (ret < 0)
		return base_intact(c);
	if (c->got_len != 5 || memcmp(c->got, "alpha", 5))
		return fail(c, "read returned the wrong message", NULL, 0);
	return queue_is(c, base_msgs + 1, NBASE - 1) ?: queue_base(c);
}

static long run_write(struct fctx *c)
{
	return write(c->ch, "charlie", 7) == 7 ? 0 : -1;
}

static int check_write(struct fctx *c, long ret)
{
	static const char *const three[] = { "alpha", "bravo-message", "charlie" };

	if (ret < 0)
		return base_intact(c);
	return queue_is(c, three, 3) ?: queue_base(c);
}

static long run_poll(struct fctx *c)
{
	c->pfd.fd = c->ch;
	c->pfd.events = POLLIN | POLLOUT;
	c->pfd.revents = 0;
	return poll(&c->pfd, 1, 0) == 1 ? 0 : -1;
}

static int check_poll(struct fctx *c, long ret)
{
	if (!ret && c->pfd.revents != (POLLIN | POLLOUT))
		return fail(c, "poll reported the wrong events", NULL, 0);
	return base_intact(c);
}

static long run_mmap(struct fctx *c)
{
	c->map = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, c->ch, 0);
	return c->map == MAP_FAILED ? -1 : 0;
}

/*
 * relq allocates a channel's status page at its first mmap() and keeps
 * it, so a channel that a failed point has already given a page would
 * skip that allocation at the next point and shift every later one: each
 * point gets a fresh channel, with the base messages queued.
 */
static int setup_mmap(struct fctx *c)
{
	int err;

	close(c->ch);
	c->ch = -1;
	err = relq_destroy(c->ctl, c->name);
	if (err)
		return fail(c, "DESTROY failed without injection", NULL, err);
	err = relq_create(c->ctl, c->name, 4096, MSG_MAX, NULL);
	if (err)
		return fail(c, "CREATE failed without injection", NULL, err);
	c->ch = relq_open(c->name, O_RDWR | O_NONBLOCK);
	if (c->ch < 0)
		return fail(c, "cannot open the new channel", NULL, errno);
	return queue_base(c);
}

static int check_mmap(struct fctx *c, long ret)
{
	if (!ret) {
		const struct relq_status *st = c->map;
		bool wrong = st->depth != NBASE;

		munmap(c->map, relq_page_size());
		if (wrong)
			return fail(c, "the status page shows the wrong depth", NULL, 0);
	}
	return base_intact(c);
}

static long run_info(struct fctx *c)
{
	memset(&c->info, 0, sizeof(c->info));
	c->info.size = sizeof(c->info);
	return ioctl(c->ch, RELQ_IOC_INFO, &c->info);
}

static int check_info(struct fctx *c, long ret)
{
	if (!ret && (c->info.depth != NBASE || strcmp(c->info.name, c->name)))
		return fail(c, "INFO reported the wrong state", NULL, 0);
	return base_intact(c);
}

static long run_fionread(struct fctx *c)
{
	c->fionread = -1;
	return ioctl(c->ch, FIONREAD, &c->fionread);
}

static int check_fionread(struct fctx *c, long ret)
{
	if (!ret && c->fionread != 5)
		return fail(c, "FIONREAD reported the wrong size", NULL, 0);
	return base_intact(c);
}

static long run_link(struct fctx *c)
{
	struct relq_link l = { .fd = c->lo };

	return ioctl(c->ch, RELQ_IOC_LINK, &l);
}

/* A LINK either took or left no trace: UNLINK tells which. */
static int check_link(struct fctx *c, long ret)
{
	int err = relq_unlink(c->ch);

	if (!ret && err)
		return fail(c, "LINK succeeded but UNLINK failed", NULL, err);
	if (ret && err != ENOENT)
		return fail(c, "a failed LINK left a link behind", NULL, err);
	return base_intact(c);
}

static int setup_unlink(struct fctx *c)
{
	int err = relq_link(c->ch, c->lo);

	return err ? fail(c, "LINK failed without injection", NULL, err) : 0;
}

static long run_unlink(struct fctx *c)
{
	return ioctl(c->ch, RELQ_IOC_UNLINK, 0);
}

static int check_unlink(struct fctx *c, long ret)
{
	int err = relq_unlink(c->ch);

	if (!ret && err != ENOENT)
		return fail(c, "UNLINK succeeded but the link is still there", NULL, err);
	if (ret && err)
		return fail(c, "a failed UNLINK lost the link", NULL, err);
	return base_intact(c);
}

/* DRAIN runs on an empty queue, so it returns at once. */
static int setup_drain(struct fctx *c)
{
	char buf[MSG_MAX];
	int i;

	for (i = 0; i < NBASE; i++)
		if (read(c->ch, buf, sizeof(buf)) < 0)
			return fail(c, "cannot empty the queue", NULL, errno);
	return 0;
}

static long run_drain(struct fctx *c)
{
	return ioctl(c->ch, RELQ_IOC_DRAIN, 0);
}

static int check_drain(struct fctx *c, long ret)
{
	return queue_is(c, NULL, 0) ?: queue_base(c);
}

static long run_create(struct fctx *c)
{
	struct relq_create cr;

	memset(&cr, 0, sizeof(cr));
	snprintf(cr.name, sizeof(cr.name), "%s", c->tmp_name);
	cr.capacity = 8192;
	cr.max_msg = 128;
	return ioctl(c->ctl, RELQ_IOC_CREATE, &cr);
}

/* A failed CREATE leaves nothing: no channel, no node, no counter. */
static int check_create(struct fctx *c, long ret)
{
	int err;

	if (!ret) {
		err = relq_destroy(c->ctl, c->tmp_name);
		if (err)
			return fail(c, "cannot destroy the new channel", NULL, err);
		return counters_unchanged(c) ?: base_intact(c);
	}
	if (relq_list_has(c->ctl, c->tmp_name, NULL))
		return fail(c, "a failed CREATE left a channel", NULL, 0);
	if (relq_node_exists(c->tmp_name))
		return fail(c, "a failed CREATE left a node", NULL, 0);
	if (counters_unchanged(c))
		return -1;
	err = relq_create(c->ctl, c->tmp_name, 8192, 128, NULL) ?:
	      relq_destroy(c->ctl, c->tmp_name);
	if (err)
		return fail(c, "the name is unusable after a failed CREATE", NULL, err);
	return base_intact(c);
}

/* Remove a node devtmpfs left behind, so the next CREATE starts clean. */
static void unlink_node(const char *name)
{
	char path[64];

	relq_channel_path(path, sizeof(path), name);
	unlink(path);
}

static int setup_destroy(struct fctx *c)
{
	int err = relq_create(c->ctl, c->tmp_name, 8192, 128, NULL);

	return err ? fail(c, "CREATE failed without injection", NULL, err) : 0;
}

static long run_destroy(struct fctx *c)
{
	struct relq_destroy d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", c->tmp_name);
	return ioctl(c->ctl, RELQ_IOC_DESTROY, &d);
}

/* A failed DESTROY leaves a channel that works. */
static int check_destroy(struct fctx *c, long ret)
{
	char buf[8];
	int fd, err;

	if (!ret) {
		if (relq_list_has(c->ctl, c->tmp_name, NULL))
			return fail(c, "DESTROY succeeded but LIST still shows it", NULL, 0);
		/*
		 * device_del() removes the node, but devtmpfs drops the removal
		 * when its own allocation of the node's path fails, and tells
		 * nobody. A node left that way must reach no channel.
		 */
		fd = relq_open(c->tmp_name, O_RDWR | O_NONBLOCK);
		if (fd >= 0) {
			close(fd);
			return fail(c, "a destroyed channel's node still opens", NULL, 0);
		}
		if (errno != ENOENT && errno != ENXIO)
			return fail(c, "a destroyed channel's node", NULL, errno);
		if (errno == ENXIO)
			unlink_node(c->tmp_name);
		return counters_unchanged(c) ?: base_intact(c);
	}
	fd = relq_open(c->tmp_name, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fail(c, "a failed DESTROY left an unusable channel", NULL, errno);
	err = write(fd, "x", 1) == 1 && read(fd, buf, sizeof(buf)) == 1 ? 0 : errno;
	close(fd);
	if (err)
		return fail(c, "a failed DESTROY left a broken channel", NULL, err);
	err = relq_destroy(c->ctl, c->tmp_name);
	if (err)
		return fail(c, "the second DESTROY failed", NULL, err);
	return counters_unchanged(c) ?: base_intact(c);
}

#define LIST_UNTOUCHED	0xdeadbeefu

static long run_list(struct fctx *c)
{
	memset(&c->list, 0, sizeof(c->list));
	c->list.entries = (uintptr_t)c->entries;
	c->list.capacity = ARRAY_SIZE(c->entries);
	/* Output only: a failed LIST must leave it as it was. */
	c->list.count = LIST_UNTOUCHED;
	return ioctl(c->ctl, RELQ_IOC_LIST, &c->list);
}

static int check_list(struct fctx *c, long ret)
{
	if (!ret && c->list.count != c->before.live_channels)
		return fail(c, "LIST returned the wrong count", NULL, 0);
	if (ret && c->list.count != LIST_UNTOUCHED)
		return fail(c, "a failed LIST wrote a count", NULL, 0);
	return base_intact(c);
}

#ifdef RELQ_LIBURING
static int setup_recv(struct fctx *c)
{
	int err;

	if (c->have_ring)
		return 0;
	err = -io_uring_queue_init(4, &c->ring, 0);
	if (err)
		return fail(c, "io_uring_queue_init", NULL, err);
	c->have_ring = true;
	return 0;
}

/*
 * Submit one RECV into c->got on @fd. Its CQE, if io_uring posted it at
 * submission (a message was there, or the RECV failed), is the result;
 * otherwise the RECV is pended.
 */
static long submit_recv(struct fctx *c, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);
	struct io_uring_cqe *cqe;
	struct relq_recv *rc;
	int ret;

	c->recv_pended = false;
	c->submit_failed = false;
	c->got_len = -1;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = RELQ_URING_RECV;
	rc = (struct relq_recv *)sqe->cmd;
	rc->addr = (uintptr_t)c->got;
	rc->len = sizeof(c->got);
	rc->flags = 0;
	ret = io_uring_submit(&c->ring);
	if (ret != 1) {
		c->submit_failed = true;
		errno = ret < 0 ? -ret : EAGAIN;
		return -1;
	}
	if (io_uring_peek_cqe(&c->ring, &cqe)) {
		c->recv_pended = true;
		return 0;
	}
	ret = cqe->res;
	io_uring_cqe_seen(&c->ring, cqe);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	c->got_len = ret;
	return 0;
}

/* The pended RECV's CQE: -errno, or the length. */
static int reap_recv(struct fctx *c)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe(&c->ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&c->ring, cqe);
	return ret;
}

/* A RECV with "alpha" and "bravo-message" queued takes "alpha" at once. */
static long run_recv(struct fctx *c)
{
	return submit_recv(c, c->ch);
}

static int check_recv(struct fctx *c, long ret)
{
	if (c->recv_pended)
		return fail(c, "a RECV pended with messages queued", NULL, 0);
	if (ret < 0)
		return base_intact(c);
	if (c->got_len != 5 || memcmp(c->got, "alpha", 5))
		return fail(c, "RECV returned the wrong message", NULL, 0);
	return queue_is(c, base_msgs + 1, NBASE - 1) ?: queue_base(c);
}

/*
 * A RECV on the empty second channel pends; "charlie" written after the
 * sweep point completes it, unless the point failed it at submission.
 */
static long run_recv_pended(struct fctx *c)
{
	return submit_recv(c, c->lo);
}

static int check_recv_pended(struct fctx *c, long ret)
{
	char buf[MSG_MAX];
	int res;

	if (!ret && !c->recv_pended)
		return fail(c, "a RECV on an empty channel completed", NULL, 0);
	if (send_msg(c, c->lo, "charlie"))
		return -1;
	if (c->recv_pended) {
		res = reap_recv(c);
		if (res != 7 || memcmp(c->got, "charlie", 7))
			return fail(c, "the pended RECV did not get the message", NULL,
				    res < 0 ? -res : 0);
	} else if (read(c->lo, buf, sizeof(buf)) != 7) {
		return fail(c, "the failed RECV lost the message", NULL, errno);
	}
	if (relq_pended_requests() != 0)
		return fail(c, "a RECV stayed pended", NULL, 0);
	return base_intact(c);
}
#endif

static const struct fop op_open = { "open", NULL, run_open, check_open };
static const struct fop op_read = { "read", NULL, run_read, check_read };
static const struct fop op_write = { "write", NULL, run_write, check_write };
static const struct fop op_poll = { "poll", NULL, run_poll, check_poll };
static const struct fop op_mmap = { "mmap", setup_mmap, run_mmap, check_mmap };
static const struct fop op_info = { "INFO", NULL, run_info, check_info };
static const struct fop op_fionread = { "FIONREAD", NULL, run_fionread, check_fionread };
static const struct fop op_link = { "LINK", NULL, run_link, check_link };
static const struct fop op_unlink = { "UNLINK", setup_unlink, run_unlink, check_unlink };
static const struct fop op_drain = { "DRAIN", setup_drain, run_drain, check_drain };
static const struct fop op_create = { "CREATE", NULL, run_create, check_create };
static const struct fop op_destroy = { "DESTROY", setup_destroy, run_destroy, check_destroy };
static const struct fop op_list = { "LIST", NULL, run_list, check_list };
#ifdef RELQ_LIBURING
static const struct fop op_recv = { "RECV", setup_recv, run_recv, check_recv };
static const struct fop op_recv_pended = {
	"RECV-pended", setup_recv, run_recv_pended, check_recv_pended
};
#endif

FIXTURE(failnth) {
	struct fctx c;
	int nth;
};

FIXTURE_SETUP(failnth)
{
	struct fctx *c = &self->c;

	memset(c, 0, sizeof(*c));
	c->ctl = -1;
	c->ch = -1;
	c->lo = -1;
	self->nth = -1;
	if (access("/proc/self/fail-nth", F_OK))
		SKIP(return, "no fail-nth: the kernel lacks CONFIG_FAULT_INJECTION");
	if (access(DBG "/fail_usercopy", F_OK))
		SKIP(return, "no fail_usercopy in debugfs (FAULT_INJECTION_USERCOPY)");
	/* No page faults of our own inside an armed call. */
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	c->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, c->ctl);
	relq_unique_name(c->name, "fn");
	relq_unique_name(c->lo_name, "fl");
	relq_unique_name(c->tmp_name, "ft");
	ASSERT_EQ(0, relq_create(c->ctl, c->name, 4096, MSG_MAX, NULL));
	ASSERT_EQ(0, relq_create(c->ctl, c->lo_name, 4096, MSG_MAX, NULL));
	c->ch = relq_open(c->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, c->ch);
	c->lo = relq_open(c->lo_name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, c->lo);
	ASSERT_EQ(0, queue_base(c));
	ASSERT_EQ(0, relq_counters_read(&c->before));
	self->nth = nth_open();
	ASSERT_LE(0, self->nth);
}

FIXTURE_TEARDOWN(failnth)
{
	struct fctx *c = &self->c;

	if (self->nth >= 0)
		close(self->nth);
	if (c->ch >= 0)
		close(c->ch);
	if (c->lo >= 0)
		close(c->lo);
#ifdef RELQ_LIBURING
	if (c->have_ring)
		io_uring_queue_exit(&c->ring);
#endif
	if (c->ctl >= 0) {
		relq_destroy(c->ctl, c->name);
		relq_destroy(c->ctl, c->lo_name);
		relq_destroy(c->ctl, c->tmp_name);
		close(c->ctl);
	}
	fi_configure(FI_ALL);
}

/* Whether @op may fail with @err under @mode's injectors. */
static bool errno_allowed(const struct fctx *c, enum fi_mode mode, int err)
{
#ifdef RELQ_LIBURING
	/* io_uring's own submission failed: relq never saw the command. */
	if (c->submit_failed && mode == FI_ALL)
		return err == EAGAIN || err == ENOMEM;
#endif
	if (mode == FI_USERCOPY)
		return err == EFAULT;
	return err == ENOMEM || err == EFAULT;
}

/*
 * Run @op with the n-th injection point failing, n = 1, 2, ... until a
 * run with no injection left; every run must keep the invariants.
 */
static void sweep(struct __test_metadata *_metadata, struct fctx *c, int nth,
		  const struct fop *op, enum fi_mode mode, const char *id)
{
	unsigned int n, points = 0, nomem = 0, fault = 0, absorbed = 0;
	bool fired;
	long ret;
	int err;

	ASSERT_EQ(0, fi_configure(mode));
	for (n = 1; ; n++) {
		ASSERT_GT(NTH_LIMIT, n) TH_LOG("%s: no end after %u points", op->name, n);
		if (op->setup)
			ASSERT_EQ(0, op->setup(c)) TH_LOG("%s setup: %s", op->name, c->why);
		nth_arm(nth, n);
		ret = op->run(c);
		err = errno;
		fired = nth_disarm(nth);
		if (ret) {
			EXPECT_TRUE(errno_allowed(c, mode, err))
				TH_LOG("%s, point %u: unexpected errno %d (%s)", op->name,
				       n, err, strerror(err));
			EXPECT_TRUE(fired)
				TH_LOG("%s failed with no injection: %s", op->name,
				       strerror(err));
			nomem += err == ENOMEM;
			fault += err == EFAULT;
		} else if (fired) {
			absorbed++;
		}
		ASSERT_EQ(0, op->check(c, ret))
			TH_LOG("%s, point %u (ret %ld, %s): %s", op->name, n, ret,
			       ret ? strerror(err) : "ok", c->why);
		if (!fired)
			break;
		points++;
	}
	printf("# relq-points %s %s %s %u enomem=%u efault=%u absorbed=%u\n", id,
	       op->name, mode == FI_ALL ? "slab+page+usercopy" : "usercopy",
	       points, nomem, fault, absorbed);
	fflush(stdout);
	if (mode == FI_USERCOPY)
		EXPECT_EQ(0, nomem);
}

/*
 * One sweep per variant: an operation, the injectors that count, and the
 * spec ID its relq-points line reports. The variant is the test's name.
 */
FIXTURE_VARIANT(failnth) {
	const struct fop *op;
	enum fi_mode mode;
	const char *id;
};

/* T-OPEN-2: open under fail-nth; the open-file counter never drifts. */
FIXTURE_VARIANT_ADD(failnth, t_open_2_open_fail_nth) {
	.op = &op_open, .mode = FI_ALL, .id = "t_open_2",
};

/* T-ERR-1: every syscall path with every injector. */
FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_read) {
	.op = &op_read, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_write) {
	.op = &op_write, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_poll) {
	.op = &op_poll, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_mmap) {
	.op = &op_mmap, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_info) {
	.op = &op_info, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_fionread) {
	.op = &op_fionread, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_link) {
	.op = &op_link, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_unlink) {
	.op = &op_unlink, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_drain) {
	.op = &op_drain, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_create) {
	.op = &op_create, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_destroy) {
	.op = &op_destroy, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_list) {
	.op = &op_list, .mode = FI_ALL, .id = "t_err_1",
};

#ifdef RELQ_LIBURING
FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_recv) {
	.op = &op_recv, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_err_1_fail_nth_recv_pended) {
	.op = &op_recv_pended, .mode = FI_ALL, .id = "t_err_1",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_recv) {
	.op = &op_recv, .mode = FI_USERCOPY, .id = "t_uptr_5",
};
#endif

/*
 * T-UPTR-5: user copies only; each injected failure is EFAULT. FIONREAD
 * answers with put_user(), which is no fail_usercopy site: it has no row.
 */
FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_read) {
	.op = &op_read, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_write) {
	.op = &op_write, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_poll) {
	.op = &op_poll, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_info) {
	.op = &op_info, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_link) {
	.op = &op_link, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_create) {
	.op = &op_create, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_destroy) {
	.op = &op_destroy, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

FIXTURE_VARIANT_ADD(failnth, t_uptr_5_fail_usercopy_list) {
	.op = &op_list, .mode = FI_USERCOPY, .id = "t_uptr_5",
};

TEST_F(failnth, sweep)
{
	sweep(_metadata, &self->c, self->nth, variant->op, variant->mode, variant->id);
}

/* --- T-ERR-2: the probabilistic soak ------------------------------------ */

#define SOAK_WRITERS	2

struct soak_msg {
	__u32 writer;
	__u32 seq;
	unsigned char pattern[24];
};

struct soak {
	char name[RELQ_NAME_LEN];
	int fd;				/* O_RDWR | O_NONBLOCK */
	atomic_bool stop;		/* writers and churn stop */
	atomic_uint writers_left;
	atomic_uint sent[SOAK_WRITERS];
	unsigned int received[SOAK_WRITERS];
	atomic_uint injected;		/* failures seen, all threads */
	atomic_uint churn_ops;
	char bad[160];			/* the first broken invariant */
};

static void soak_bad(struct soak *s, const char *what, int err)
{
	if (!s->bad[0])
		snprintf(s->bad, sizeof(s->bad), "%s (%s)", what, strerror(err));
	atomic_store(&s->stop, true);
}

/*
 * Only this thread gets failures: task-filter + make-it-fail. Switching
 * it off is itself a syscall that may fail while it is on (ENOMEM from
 * the open, EFAULT from the write): retry until it takes.
 */
static void make_it_fail(bool on)
{
	int fd, tries;

	for (tries = 0; tries < 1000; tries++) {
		fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = write(fd, on ? "1" : "0", 1);

			close(fd);
			if (n == 1 || on)
				return;
		} else if (on) {
			return;
		}
	}
	abort();
}

static bool soak_errno(int err)
{
	return err == ENOMEM || err == EFAULT || err == EAGAIN;
}

struct soak_writer {
	struct soak *s;
	__u32 id;
};

static void *soak_write(void *arg)
{
	struct soak_writer *w = arg;
	struct soak *s = w->s;
	struct soak_msg m = { .writer = w->id };
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };

	make_it_fail(true);
	while (!atomic_load(&s->stop)) {
		m.seq = atomic_load(&s->sent[w->id]);
		relq_fill_pattern(m.pattern, sizeof(m.pattern), m.seq * 2 + w->id);
		if (write(s->fd, &m, sizeof(m)) == sizeof(m)) {
			atomic_fetch_add(&s->sent[w->id], 1);
			continue;
		}
		if (!soak_errno(errno)) {
			soak_bad(s, "write failed", errno);
			break;
		}
		if (errno == EAGAIN)
			poll(&pfd, 1, 10);
		else
			atomic_fetch_add(&s->injected, 1);
	}
	make_it_fail(false);
	atomic_fetch_sub(&s->writers_left, 1);
	return NULL;
}

/* Opens, maps, polls and queries the channel while failures fly. */
static void *soak_churn(void *arg)
{
	struct soak *s = arg;
	struct relq_info info;
	struct pollfd pfd;
	void *p;
	int fd;

	make_it_fail(true);
	while (!atomic_load(&s->stop)) {
		atomic_fetch_add(&s->churn_ops, 1);
		fd = relq_open(s->name, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			if (!soak_errno(errno))
				soak_bad(s, "open failed", errno);
			atomic_fetch_add(&s->injected, 1);
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) < 0 && !soak_errno(errno))
			soak_bad(s, "poll failed", errno);
		if (relq_info(fd, &info) && !soak_errno(errno))
			soak_bad(s, "INFO failed", errno);
		p = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED && errno != ENOMEM)
			soak_bad(s, "mmap failed", errno);
		else if (p != MAP_FAILED)
			munmap(p, relq_page_size());
		close(fd);
	}
	make_it_fail(false);
	return NULL;
}

/*
 * The control plane under failures too: CREATE two channels, LINK one to
 * the other, write through the link, UNLINK, DESTROY both, over and over.
 * Each step succeeds or fails with an injected errno (ENOMEM, EFAULT);
 * a failed CREATE leaves no channel behind, a failed DESTROY leaves it
 * live and the next round's DESTROY, uninjected, removes it.
 */
static void *soak_control(void *arg)
{
	struct soak *s = arg;
	char a[RELQ_NAME_LEN], b[RELQ_NAME_LEN];
	int ctl, fa, fb, err;

	ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		soak_bad(s, "control open failed", errno);
		return NULL;
	}
	relq_unique_name(a, "sca");
	relq_unique_name(b, "scb");
	while (!atomic_load(&s->stop)) {
		atomic_fetch_add(&s->churn_ops, 1);
		make_it_fail(true);
		err = relq_create(ctl, a, 1024, 64, NULL);
		if (!err)
			err = relq_create(ctl, b, 1024, 64, NULL);
		if (err && !soak_errno(err))
			soak_bad(s, "CREATE failed", err);
		fa = relq_open(a, O_RDWR | O_NONBLOCK);
		fb = relq_open(b, O_RDWR | O_NONBLOCK);
		if (fa >= 0 && fb >= 0) {
			err = relq_link(fa, fb);
			if (err && !soak_errno(err))
				soak_bad(s, "LINK failed", err);
			if (write(fa, "c", 1) < 0 && !soak_errno(errno))
				soak_bad(s, "write through a link failed", errno);
			err = relq_unlink(fa);
			if (err && err != ENOENT && !soak_errno(err))
				soak_bad(s, "UNLINK failed", err);
		}
		err = relq_destroy(ctl, a);
		if (err && err != ENOENT && !soak_errno(err))
			soak_bad(s, "DESTROY failed", err);
		err = relq_destroy(ctl, b);
		if (err && err != ENOENT && !soak_errno(err))
			soak_bad(s, "DESTROY failed", err);
		make_it_fail(false);
		if (fa >= 0)
			close(fa);
		if (fb >= 0)
			close(fb);
		/* Uninjected: whatever a failed DESTROY left goes now. */
		relq_destroy(ctl, a);
		relq_destroy(ctl, b);
	}
	close(ctl);
	return NULL;
}

/*
 * The reader, on the test's own thread: every writer's messages arrive
 * once, in order and intact. At @end it stops the writers, then drains
 * what they sent.
 */
static void soak_read(struct soak *s, long long end)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	unsigned int w, sent, recv;
	struct soak_msg m;
	ssize_t n;

	make_it_fail(true);
	for (;;) {
		if (!atomic_load(&s->stop) && relq_now_ms() >= end)
			atomic_store(&s->stop, true);
		n = read(s->fd, &m, sizeof(m));
		if (n == sizeof(m)) {
			if (m.writer >= SOAK_WRITERS || m.seq != s->received[m.writer] ||
			    !relq_check_pattern(m.pattern, sizeof(m.pattern),
						m.seq * 2 + m.writer)) {
				soak_bad(s, "message lost, duplicated, reordered or corrupt", 0);
				break;
			}
			s->received[m.writer]++;
			continue;
		}
		if (n >= 0 || !soak_errno(errno)) {
			soak_bad(s, "read failed", n < 0 ? errno : 0);
			break;
		}
		if (errno != EAGAIN) {
			atomic_fetch_add(&s->injected, 1);
			continue;
		}
		if (atomic_load(&s->stop) && !atomic_load(&s->writers_left)) {
			sent = 0;
			recv = 0;
			for (w = 0; w < SOAK_WRITERS; w++) {
				sent += atomic_load(&s->sent[w]);
				recv += s->received[w];
			}
			if (sent == recv)
				break;
		}
		poll(&pfd, 1, 10);
	}
	make_it_fail(false);
	atomic_store(&s->stop, true);
}

/*
 * Failures at 10 % for the tasks with make-it-fail only. The order is the
 * safety: task-filter goes on before the probability, and the probability
 * goes back to 0 before task-filter goes off, so no other task (the
 * shell, the harness) ever sees a failure.
 */
static int soak_injectors(bool on)
{
	int i, err = 0;

	if (!on) {
		for (i = 0; i < INJECTORS; i++)
			err = err ?: fi_set(injector[i], "probability", "0");
		return err ?: fi_configure(FI_ALL);
	}
	for (i = 0; i < INJECTORS; i++) {
		err = err ?: fi_set(injector[i], "verbose", "0");
		err = err ?: fi_set(injector[i], "task-filter", "Y");
		err = err ?: fi_set(injector[i], "interval", "1");
		err = err ?: fi_set(injector[i], "times", "-1");
		err = err ?: fi_set(injector[i], "space", "0");
	}
	err = err ?: fi_set("failslab", "ignore-gfp-wait", "N");
	err = err ?: fi_set("failslab", "cache-filter", "N");
	err = err ?: fi_set("fail_page_alloc", "ignore-gfp-wait", "N");
	err = err ?: fi_set("fail_page_alloc", "min-order", "0");
	for (i = 0; i < INJECTORS; i++)
		err = err ?: fi_set(injector[i], "probability", "10");
	return err;
}

/*
 * T-ERR-2: two writers, a reader and a churn thread on one channel for
 * RELQ_SOAK_SECONDS (default 15) with 10 % of their allocations and user
 * copies failing. Errors are allowed; loss, duplication, reordering,
 * corruption, a wrong errno or a hang are not.
 */
TEST(t_err_2_failslab_soak)
{
	const char *env = getenv("RELQ_SOAK_SECONDS");
	unsigned int secs = env ? strtoul(env, NULL, 0) : 15;
	struct soak_writer wr[SOAK_WRITERS];
	pthread_t wt[SOAK_WRITERS], ct, cc;
	struct relq_counters after;
	unsigned int w, total = 0;
	struct soak *s;
	int ctl;

	if (access("/proc/self/make-it-fail", F_OK) || access(DBG "/fail_usercopy", F_OK))
		SKIP(return, "no fault injection in this kernel");
	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	relq_unique_name(s->name, "soak");
	ASSERT_EQ(0, relq_create(ctl, s->name, 16384, sizeof(struct soak_msg), NULL));
	s->fd = relq_open(s->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, s->fd);
	atomic_store(&s->writers_left, SOAK_WRITERS);
	ASSERT_EQ(0, soak_injectors(true));
	for (w = 0; w < SOAK_WRITERS; w++) {
		wr[w].s = s;
		wr[w].id = w;
		ASSERT_EQ(0, pthread_create(&wt[w], NULL, soak_write, &wr[w]));
	}
	ASSERT_EQ(0, pthread_create(&ct, NULL, soak_churn, s));
	ASSERT_EQ(0, pthread_create(&cc, NULL, soak_control, s));
	soak_read(s, relq_now_ms() + secs * 1000LL);
	for (w = 0; w < SOAK_WRITERS; w++)
		ASSERT_EQ(0, relq_join_ms(wt[w], 5000));
	ASSERT_EQ(0, relq_join_ms(ct, 5000));
	ASSERT_EQ(0, relq_join_ms(cc, 10000));
	ASSERT_EQ(0, soak_injectors(false));
	EXPECT_EQ('\0', s->bad[0]) TH_LOG("%s", s->bad);
	for (w = 0; w < SOAK_WRITERS; w++) {
		EXPECT_EQ(atomic_load(&s->sent[w]), s->received[w]);
		total += s->received[w];
	}
	printf("# relq-soak t_err_2 seconds=%u messages=%u injected=%u churn=%u\n",
	       secs, total, atomic_load(&s->injected), atomic_load(&s->churn_ops));
	EXPECT_LT(0, total);
	EXPECT_LT(0, atomic_load(&s->injected)) TH_LOG("no failure was injected");
	close(s->fd);
	EXPECT_EQ(0, relq_destroy(ctl, s->name));
	close(ctl);
	ASSERT_EQ(0, relq_counters_read(&after));
	EXPECT_EQ(0, after.queued_messages);
	free(s);
}

/*
 * The allocators only (no failslab or fail_page_alloc filter, quiet), or
 * the page allocator only (failslab's cache filter matches nothing): for
 * the ENOMEM tests, which tell relq's own allocation from the others by
 * a control run without it. fail_usercopy has no filter: with fail-nth,
 * every user copy is a point too (EFAULT).
 */
static int fi_configure_alloc(bool slab)
{
	int err = fi_configure(FI_ALL);

	err = err ?: fi_set("failslab", "cache-filter", slab ? "N" : "Y");
	return err;
}

/* fail-nth and its injectors, or a SKIP reason. */
static const char *fi_missing(void)
{
	if (access("/proc/self/fail-nth", F_OK))
		return "no fail-nth: the kernel lacks CONFIG_FAULT_INJECTION";
	if (access(DBG "/failslab", F_OK) || access(DBG "/fail_page_alloc", F_OK))
		return "no failslab or fail_page_alloc in debugfs";
	return NULL;
}

/*
 * LIST at every fail-nth point until one passes without an injected
 * failure. Returns the errno of the first point that gave something else
 * than EFAULT (a user copy) or success (an allocation whose failure the
 * kernel tolerates, such as a memory cgroup's bookkeeping), 0 if none
 * did; counts the points that fired and those that gave none of EFAULT,
 * ENOMEM and success.
 */
static int relq_list_sweep(int ctl, int nth, __u32 capacity,
			   unsigned int *points, unsigned int *odd)
{
	struct relq_list_entry e[4];
	struct relq_list l;
	int err, first = 0;
	unsigned int n;

	*points = *odd = 0;
	for (n = 1; n < NTH_LIMIT; n++) {
		memset(&l, 0, sizeof(l));
		l.entries = (uintptr_t)e;
		l.capacity = capacity;
		nth_arm(nth, n);
		err = relq_err(ioctl(ctl, RELQ_IOC_LIST, &l));
		if (!nth_disarm(nth))
			break;
		(*points)++;
		if (err && err != EFAULT && !first)
			first = err;
		if (err && err != EFAULT && err != ENOMEM)
			(*odd)++;
	}
	return first;
}

/*
 * LIST's own allocation (its entries array, sized by the caller's
 * capacity) fails with ENOMEM: at every fail-nth point of LIST with room
 * for 4 entries the result is EFAULT (a user copy), ENOMEM or success (a
 * tolerated failure), and the first that is none of EFAULT and success is
 * ENOMEM; LIST with capacity 0 allocates nothing of its own, and there no
 * point gives ENOMEM. A relq that reported its allocation failure as
 * anything else (EFAULT included) fails here.
 */
TEST(t_err_1_list_enomem)
{
	const char *why = fi_missing();
	unsigned int points, odd, points0, odd0;
	int ctl, nth, err, err0;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, fi_configure_alloc(true));
	ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	nth = nth_open();
	ASSERT_LE(0, nth);
	err = relq_list_sweep(ctl, nth, 4, &points, &odd);
	err0 = relq_list_sweep(ctl, nth, 0, &points0, &odd0);
	TH_LOG("LIST: capacity 4, %u points, the first allocation's %s; capacity 0, %u points",
	       points, strerror(err), points0);
	EXPECT_EQ(ENOMEM, err);
	EXPECT_EQ(0, odd);
	EXPECT_EQ(0, err0);
	EXPECT_EQ(0, odd0);
	EXPECT_LE(0, relq_list_count(ctl));
	close(nth);
	close(ctl);
}

/*
 * mmap's own allocation (the status page, on a channel's first mapping)
 * fails with ENOMEM: with only the page allocator failing, the first
 * point of mmap() on a channel without a status page fires and gives
 * ENOMEM; a mapping without injection then works, and once the page
 * exists, mmap() allocates no page (its point does not fire). A relq that
 * reported its allocation failure as anything else fails here.
 */
TEST(t_err_1_mmap_enomem)
{
	size_t pg = relq_page_size();
	const char *why = fi_missing();
	char name[RELQ_NAME_LEN];
	int ctl, ch, nth, err, tries, quiet = 0;
	bool fired;
	void *p;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, fi_configure_alloc(false));
	ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	relq_unique_name(name, "fm");
	ASSERT_EQ(0, relq_create(ctl, name, 4096, MSG_MAX, NULL));
	ch = relq_open(name, O_RDONLY);
	ASSERT_LE(0, ch);
	nth = nth_open();
	ASSERT_LE(0, nth);

	nth_arm(nth, 1);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, ch, 0);
	err = p == MAP_FAILED ? errno : 0;
	fired = nth_disarm(nth);
	EXPECT_TRUE(fired);
	EXPECT_EQ(ENOMEM, relq_mmap_err(p, pg)) TH_LOG("first mmap: %s", strerror(err));
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, ch, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, pg);
	/* A slab refill may take a page now and then: 3 tries. */
	for (tries = 0; tries < 3 && !quiet; tries++) {
		nth_arm(nth, 1);
		p = mmap(NULL, pg, PROT_READ, MAP_SHARED, ch, 0);
		quiet = !nth_disarm(nth) && p != MAP_FAILED;
		if (p != MAP_FAILED)
			munmap(p, pg);
	}
	EXPECT_TRUE(quiet) TH_LOG("mmap with a status page still allocates a page");
	close(nth);
	close(ch);
	EXPECT_EQ(0, relq_destroy(ctl, name));
	close(ctl);
}

TEST_HARNESS_MAIN
