// SPDX-License-Identifier: GPL-2.0
/*
 * The pitfall gallery's test (T-PIT-1..23): each guideline's wrong
 * version, from relq_pitfalls.ko, must be caught by the detector the
 * spec names for it. A pitfall its detector misses fails here; the fix
 * is the demo or the kernel config, never the expectation.
 *
 * The model is LKDTM's selftest: pitfalls/pitfalls.txt gives each
 * pitfall's name and the report expected (POSIX extended regular
 * expressions, all of which must appear); a child writes the name to
 * the module's DIRECT file and drives the pitfall, so an oops kills only
 * the child; the new kernel log lines are searched for the report. Where
 * the detector is a user-space probe (the deputy probe of T-SEC-5, the
 * padding check of T-BUF-5, the mapping probe of T-MAP-2, a hang guard),
 * the probe writes what it found to the kernel log, where the same search
 * finds it.
 *
 * Only for relq's pitfall boot (scripts/guest-pitfalls.sh): the kernel
 * is relq's debug kernel (kcsan for T-PIT-8), booted without
 * panic_on_warn and with kasan_multi_shot. The tests run in this file's
 * order: lockdep's report first (lockdep turns itself off after one),
 * the ones that oops last. T-PIT-17 overflows the kernel stack, which
 * ends the boot: the guest script triggers it after this program and the
 * host checks the console (t_pit_17_forward_without_depth in check.sh).
 *
 * RELQ_TOP locates pitfalls/pitfalls.txt; RELQ_PIT_OUT, if set, is where
 * each pitfall's captured report is saved (NAME.log) for the docs.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <grp.h>
#include <regex.h>
#include <sys/prctl.h>

#include "relq_test.h"
#include "relq_pitfalls.h"
#include "kselftest_harness.h"

#define PIT_LOG_MAX	(256 * 1024)
#define PIT_PATTERNS	4

/* One line of pitfalls.txt. */
struct pit_expect {
	char id[16];
	char name[40];
	int n;
	char pattern[PIT_PATTERNS][256];
};

static int pit_load(const char *name, struct pit_expect *e)
{
	const char *top = getenv("RELQ_TOP");
	char path[512], line[1400], *tok, *save;
	FILE *f;
	int found = -ENOENT;

	snprintf(path, sizeof(path), "%s/pitfalls/pitfalls.txt", top ?: "../..");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		memset(e, 0, sizeof(*e));
		tok = strtok_r(line, "\t", &save);
		if (!tok)
			continue;
		snprintf(e->id, sizeof(e->id), "%s", tok);
		tok = strtok_r(NULL, "\t", &save);
		if (!tok || strcmp(tok, name))
			continue;
		snprintf(e->name, sizeof(e->name), "%s", tok);
		while (e->n < PIT_PATTERNS && (tok = strtok_r(NULL, "\t", &save)))
			snprintf(e->pattern[e->n++], sizeof(e->pattern[0]), "%s", tok);
		found = e->n ? 0 : -EINVAL;
		break;
	}
	fclose(f);
	return found;
}

/* The kernel log from the moment a pitfall starts. */
struct pit_log {
	int kmsg;
	size_t len;
	char *buf;
};

static int pit_log_start(struct pit_log *l)
{
	l->len = 0;
	l->buf = calloc(1, PIT_LOG_MAX + 1);
	l->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (!l->buf || l->kmsg < 0)
		return -1;
	return lseek(l->kmsg, 0, SEEK_END) < 0 ? -1 : 0;
}

static void pit_log_add(struct pit_log *l, const char *s, size_t n)
{
	n = n < PIT_LOG_MAX - l->len ? n : PIT_LOG_MAX - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

/* Read the new records: the text of each, one line per record. */
static void pit_log_read(struct pit_log *l)
{
	char rec[8192], *msg, *end;
	ssize_t n;

	for (;;) {
		n = read(l->kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			return;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');	/* the dictionary follows */
		if (end)
			end[1] = '\0';
		pit_log_add(l, msg, strlen(msg));
	}
}

static bool pit_log_matches(struct pit_log *l, const struct pit_expect *e)
{
	regex_t re;
	bool all = true;
	int i;

	for (i = 0; i < e->n && all; i++) {
		if (regcomp(&re, e->pattern[i], REG_EXTENDED | REG_NEWLINE | REG_NOSUB))
			return false;
		all = !regexec(&re, l->buf, 0, NULL, 0);
		regfree(&re);
	}
	return all;
}

static void pit_log_save(struct pit_log *l, const struct pit_expect *e)
{
	const char *dir = getenv("RELQ_PIT_OUT");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.log", dir, e->name);
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%s", l->buf);
	fclose(f);
}

static void pit_log_end(struct pit_log *l)
{
	if (l->kmsg >= 0)
		close(l->kmsg);
	free(l->buf);
}

/* A probe's finding, into the kernel log where the search finds it. */
static void pit_report(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int fd, n;

	n = snprintf(msg, sizeof(msg), "<4>relq_pitfalls_test: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, msg, strlen(msg)) < 0)
		perror("kmsg");
	close(fd);
}

static int pit_direct(const char *name)
{
	int fd = open(PIT_DIRECT, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, name, strlen(name)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int pit_open(const char *node)
{
	return open(node, O_RDWR | O_CLOEXEC);
}

/*
 * A pitfall's name in lower case, for the TAP output: kunit.py parse
 * takes an upper-case "ERROR" in it (OPEN_LEAKS_ON_ERROR) for its own.
 */
static const char *pit_lower(const char *name)
{
	static char buf[40];
	size_t i;

	for (i = 0; name[i] && i < sizeof(buf) - 1; i++)
		buf[i] = tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

/* One pitfall's run: what to expect, and the kernel log since its start. */
struct pit_case {
	struct pit_expect e;
	struct pit_log l;
};

static bool pit_case_start(struct __test_metadata *_metadata, const char *name,
			   struct pit_case *pc)
{
	pc->l.kmsg = -1;
	pc->l.buf = NULL;
	if (pit_load(name, &pc->e)) {
		TH_LOG("%s: not in pitfalls/pitfalls.txt (RELQ_TOP?)", pit_lower(name));
		return false;
	}
	if (pit_log_start(&pc->l)) {
		TH_LOG("/dev/kmsg: %s", strerror(errno));
		pit_log_end(&pc->l);
		return false;
	}
	return true;
}

/* Wait up to @ms for every expected pattern; whether they all came. */
static bool pit_case_wait(struct pit_case *pc, int ms)
{
	long long end = relq_now_ms() + ms;

	do {
		pit_log_read(&pc->l);
		if (pit_log_matches(&pc->l, &pc->e))
			return true;
		usleep(50000);
	} while (relq_now_ms() < end);
	return false;
}

static bool pit_case_end(struct __test_metadata *_metadata,
			 struct pit_case *pc, bool ok)
{
	const struct pit_expect *e = &pc->e;

	pit_log_read(&pc->l);
	ok = ok || pit_log_matches(&pc->l, e);
	pit_log_save(&pc->l, e);
	TH_LOG("%s %s: %s", e->id, pit_lower(e->name),
	       ok ? "caught by its detector" : "missed by its detector");
	if (!ok)
		TH_LOG("expected: %s%s%s", e->pattern[0], e->n > 1 ? " and " : "",
		       e->n > 1 ? e->pattern[1] : "");
	pit_direct("NONE");
	pit_log_end(&pc->l);
	return ok;
}

/* The driver of one pitfall, run in a child that an oops may kill. */
typedef void (*pit_drive_fn)(const char *name);

static pid_t pit_spawn(const char *name, pit_drive_fn drive)
{
	pid_t pid = fork();

	if (pid == 0) {
		int err = pit_direct(name);

		if (err) {
			fprintf(stderr, "DIRECT %s: %s\n", name, strerror(err));
			_exit(2);
		}
		if (drive)
			drive(name);
		_exit(0);
	}
	return pid;
}

/*
 * pit_run: arm or run NAME through a child running DRIVE, then wait up to
 * TIMEOUT_MS for every expected pattern in the new kernel log lines; the
 * child is killed once they appear (or at the deadline).
 */
static bool pit_run(struct __test_metadata *_metadata, const char *name,
		    pit_drive_fn drive, int timeout_ms)
{
	struct pit_case pc;
	bool ok;
	int status;
	pid_t pid;

	if (!pit_case_start(_metadata, name, &pc))
		return false;
	pid = pit_spawn(name, drive);
	ok = pit_case_wait(&pc, timeout_ms);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	TH_LOG("%s: the child %s %d", pit_lower(name),
	       WIFSIGNALED(status) ? "was killed by signal" : "exited with",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return pit_case_end(_metadata, &pc, ok);
}

FIXTURE(pit) {
	int unused;
};

FIXTURE_SETUP(pit)
{
	if (access(PIT_DIRECT, W_OK))
		TH_LOG("no %s: load relq_pitfalls.ko (scripts/guest-pitfalls.sh)",
		       PIT_DIRECT);
	ASSERT_EQ(0, access(PIT_DIRECT, W_OK));
}

FIXTURE_TEARDOWN(pit)
{
	pit_direct("NONE");
}

static bool pit_have_kcsan(void)
{
	return !access("/sys/kernel/debug/kcsan", F_OK);
}

/* The KCSAN boot runs T-PIT-8 only; the debug boot everything else. */
#define PIT_ON_KCSAN	"the kcsan boot runs T-PIT-8 only"

/* T-PIT-7: lockdep first, while it is on (it reports one cycle, then stops). */
TEST_F(pit, t_pit_7_lock_order_inversion)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "LOCK_ORDER_INVERSION", NULL, 10000));
}

/* T-PIT-1, as the T-SEC-5 deputy probe: uid 65534 opens, root issues. */
static void pit_drive_deputy(const char *name)
{
	int sv[2], fd, err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		_exit(3);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(3);
		fd = pit_open(PIT_CONTROL_NODE);
		/* The unprivileged opener itself is refused... */
		err = fd < 0 ? errno : ioctl(fd, PIT_IOC_ADMIN) ? errno : 0;
		if (err != EPERM)
			_exit(4);
		_exit(relq_send_fd(sv[0], fd) ? 3 : 0);
	}
	fd = relq_recv_fd(sv[1]);
	if (relq_wait_child(pid) || fd < 0)
		_exit(3);
	/* ... but root, using that fd, runs the admin command for it. */
	if (ioctl(fd, PIT_IOC_ADMIN) == 0)
		pit_report("T-PIT-1: breach: %s\n",
			   "an fd opened by uid 65534 ran an admin command (root deputy)");
}

TEST_F(pit, t_pit_1_capable_on_current)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "CAPABLE_ON_CURRENT", pit_drive_deputy, 10000));
}

/* T-PIT-2 and T-PIT-5: LINK a channel to a control fd, or to a pipe. */
static void pit_drive_link_control(const char *name)
{
	int ch = pit_open(PIT_CHANNEL_NODE), ctl = pit_open(PIT_CONTROL_NODE);

	ioctl(ch, PIT_IOC_LINK, &ctl);
}

static void pit_drive_link_pipe(const char *name)
{
	int ch = pit_open(PIT_CHANNEL_NODE), p[2];

	if (pipe(p))
		_exit(3);
	ioctl(ch, PIT_IOC_LINK, &p[0]);
}

TEST_F(pit, t_pit_2_private_data_cast)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "PRIVATE_DATA_CAST", pit_drive_link_control, 10000));
}

TEST_F(pit, t_pit_4_extra_kref_put)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "EXTRA_KREF_PUT", NULL, 10000));
}

TEST_F(pit, t_pit_5_link_trusts_fd_type)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "LINK_TRUSTS_FD_TYPE", pit_drive_link_pipe, 10000));
}

/* T-PIT-6: a read, with a message queued, into a faulted-in buffer. */
static void pit_drive_read(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	char buf[64];

	memset(buf, 0, sizeof(buf));
	if (write(fd, "message", 7) != 7 || read(fd, buf, sizeof(buf)) < 0)
		_exit(3);
}

TEST_F(pit, t_pit_6_copy_under_spinlock)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "COPY_UNDER_SPINLOCK", pit_drive_read, 10000));
}

/*
 * T-PIT-9: two threads share one fd's scratch buffer: one asks for 32
 * bytes (freeing a 24-byte buffer as too small), the other for 24 bytes
 * and then gives the buffer back.
 */
static int pit_scratch_fd;

static void *pit_scratch_thread(void *arg)
{
	unsigned long i;

	for (i = 0; i < 1000000; i++) {
		if (arg) {
			ioctl(pit_scratch_fd, PIT_IOC_SCRATCH, 32UL);
		} else {
			ioctl(pit_scratch_fd, PIT_IOC_SCRATCH, 24UL);
			ioctl(pit_scratch_fd, PIT_IOC_SCRATCH, 0UL);
		}
	}
	return NULL;
}

static void pit_drive_scratch(const char *name)
{
	pthread_t t;

	pit_scratch_fd = pit_open(PIT_CHANNEL_NODE);
	if (pthread_create(&t, NULL, pit_scratch_thread, (void *)1UL))
		_exit(3);
	pit_scratch_thread(NULL);
	pthread_join(t, NULL);
}

TEST_F_TIMEOUT(pit, t_pit_9_free_if_too_small, 60)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "FREE_IF_TOO_SMALL", pit_drive_scratch, 40000));
}

/*
 * T-PIT-10: two DRAINs, then the queue drains. The second caller returns;
 * the hang guard gives the first 2 s, then reports it lost.
 */
static pid_t pit_drain_child(int fd)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(ioctl(fd, PIT_IOC_DRAIN) ? 1 : 0);
	return pid;
}

static bool pit_returns_within(pid_t pid, int ms)
{
	long long end = relq_now_ms() + ms;
	int status;

	while (relq_now_ms() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return true;
		usleep(10000);
	}
	return false;
}

static void pit_drive_drain(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	pid_t first, second;
	bool lost;

	first = pit_drain_child(fd);
	usleep(300000);
	second = pit_drain_child(fd);
	usleep(300000);
	if (ioctl(fd, PIT_IOC_DRAIN_DONE))
		_exit(3);
	if (!pit_returns_within(second, 2000))
		_exit(4);
	lost = !pit_returns_within(first, 2000);
	kill(first, SIGKILL);
	waitpid(first, NULL, 0);
	if (lost)
		pit_report("T-PIT-10: lost request: %s\n",
			   "the first DRAIN caller never returned (hang guard, 2 s)");
}

TEST_F(pit, t_pit_10_drain_overwrites_waiter)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "DRAIN_OVERWRITES_WAITER", pit_drive_drain, 10000));
}

/*
 * T-PIT-12, with T-BUF-5's check: a 0x5E name passes through the stack,
 * then INFO's padding bytes must be 0 in a 0xA5-filled buffer.
 */
static void pit_drive_padding(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE), i;
	struct pit_create c;
	unsigned char out[sizeof(struct pit_info_padded)];
	static const int pad[] = { 1, 2, 3, 10, 11, 12, 13, 14, 15 };
	size_t k;

	memset(c.name, 0x5E, sizeof(c.name) - 1);
	c.name[sizeof(c.name) - 1] = '\0';
	for (i = 0; i < 50; i++) {
		memset(out, RELQ_FILL, sizeof(out));
		if (ioctl(fd, PIT_IOC_SET_NAME, &c) || ioctl(fd, PIT_IOC_INFO_PADDED, out))
			_exit(3);
		for (k = 0; k < ARRAY_SIZE(pad); k++) {
			if (out[pad[k]]) {
				pit_report("T-PIT-12: breach: %s %d %s 0x%02x (round %d)\n",
					   "INFO's padding byte", pad[k],
					   "reached user space as", out[pad[k]], i);
				return;
			}
		}
	}
}

TEST_F(pit, t_pit_12_info_stack_padding)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "INFO_STACK_PADDING", pit_drive_padding, 10000));
}

/* T-PIT-13, with T-MAP-2's probe: a private read-only map, then mprotect. */
static void pit_drive_mmap(const char *name)
{
	size_t len = relq_page_size();
	int fd = pit_open(PIT_CHANNEL_NODE);
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED || errno != EPERM)
		_exit(4);	/* the check the pitfall does make */
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(3);
	if (!mprotect(p, len, PROT_READ | PROT_WRITE))
		pit_report("T-PIT-13: breach: %s\n",
			   "mprotect(PROT_WRITE) on the private read-only mapping succeeded");
}

TEST_F(pit, t_pit_13_mmap_keeps_maywrite)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "MMAP_KEEPS_MAYWRITE", pit_drive_mmap, 10000));
}

/* T-PIT-15, with T-BUF-6's flipper: the capacity flips between 3 and 4. */
static struct pit_list pit_flip_list;

static void *pit_flipper(void *arg)
{
	__u32 *cap = &pit_flip_list.capacity;

	for (;;)
		__atomic_store_n(cap, __atomic_load_n(cap, __ATOMIC_RELAXED) == 3 ? 4 : 3,
				 __ATOMIC_RELAXED);
	return NULL;
}

static void pit_drive_double_fetch(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE), i;
	__u64 ids[8];
	pthread_t t;

	pit_flip_list.capacity = 3;
	pit_flip_list.ids = (uintptr_t)ids;
	if (pthread_create(&t, NULL, pit_flipper, NULL))
		_exit(3);
	for (i = 0; i < 100000; i++)
		ioctl(fd, PIT_IOC_LIST, &pit_flip_list);
}

TEST_F_TIMEOUT(pit, t_pit_15_list_double_fetch, 60)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "LIST_DOUBLE_FETCH", pit_drive_double_fetch, 40000));
}

TEST_F(pit, t_pit_18_double_completion)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "DOUBLE_COMPLETION", NULL, 10000));
}

TEST_F(pit, t_pit_19_cancel_list_del_twice)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "CANCEL_LIST_DEL_TWICE", NULL, 10000));
}

/*
 * T-PIT-20: a reader in an uninterruptible wait, with the hung-task
 * timeout at 2 s for the test. No signal can free the reader: the
 * message written after the report does.
 */
TEST_F_TIMEOUT(pit, t_pit_20_uninterruptible_read, 60)
{
	char old[32] = "", oldint[32] = "", c;
	unsigned long long v;
	struct pit_case pc;
	bool ok;
	pid_t pid;
	int fd;

	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	if (!relq_read_ull("/proc/sys/kernel/hung_task_timeout_secs", &v))
		snprintf(old, sizeof(old), "%llu", v);
	if (!relq_read_ull("/proc/sys/kernel/hung_task_check_interval_secs", &v))
		snprintf(oldint, sizeof(oldint), "%llu", v);
	ASSERT_TRUE(old[0] && oldint[0]) TH_LOG("no hung-task detector (DETECT_HUNG_TASK)");
	ASSERT_EQ(0, relq_write_file("/proc/sys/kernel/hung_task_panic", "0"));
	ASSERT_EQ(0, relq_write_file("/proc/sys/kernel/hung_task_check_interval_secs", "1"));
	ASSERT_EQ(0, relq_write_file("/proc/sys/kernel/hung_task_timeout_secs", "2"));
	ASSERT_TRUE(pit_case_start(_metadata, "UNINTERRUPTIBLE_READ", &pc));
	ASSERT_EQ(0, pit_direct("UNINTERRUPTIBLE_READ"));
	fd = pit_open(PIT_CHANNEL_NODE);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(read(fd, &c, 1) == 1 ? 0 : 1);
	ok = pit_case_wait(&pc, 15000);
	/* A signal does not free it... */
	kill(pid, SIGTERM);
	usleep(200000);
	EXPECT_EQ(0, waitpid(pid, NULL, WNOHANG));
	/* ... a message does. */
	EXPECT_EQ(1, write(fd, "x", 1));
	EXPECT_EQ(pid, waitpid(pid, NULL, 0));
	close(fd);
	relq_write_file("/proc/sys/kernel/hung_task_timeout_secs", old);
	relq_write_file("/proc/sys/kernel/hung_task_check_interval_secs", oldint);
	EXPECT_TRUE(pit_case_end(_metadata, &pc, ok));
}

/*
 * T-PIT-21: open the channel node under fail-nth = 1, 2, ... with every
 * slab allocation eligible, until an open succeeds with no failure
 * injected; kmemleak, scanned afterwards, must report what the failed
 * open left behind.
 */
static int pit_fi_set(const char *knob, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/failslab/%s", knob);
	return relq_write_file(path, val);
}

static void pit_drive_open_leak(const char *name)
{
	char path[64], left[16];
	int nth, fd, tfd, err, enomem = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	for (nth = 1; nth < 200; nth++) {
		tfd = open(path, O_RDWR | O_CLOEXEC);
		if (tfd < 0 || dprintf(tfd, "%d", nth) < 0)
			_exit(3);
		fd = pit_open(PIT_CHANNEL_NODE);
		err = fd < 0 ? errno : 0;
		/*
		 * An injection still pending may fail these two instead (with
		 * EFAULT, through fail_usercopy); either way it is spent.
		 */
		n = pread(tfd, left, sizeof(left) - 1, 0);
		if (write(tfd, "0", 1) < 0)
			n = -1;
		close(tfd);
		if (fd >= 0)
			close(fd);
		enomem += err == ENOMEM;
		left[n > 0 ? n : 0] = '\0';
		if (!err && n > 0 && atoi(left) != 0)
			break;	/* no failure was injected: the sweep is done */
	}
	printf("# fail-nth sweep: %d steps, %d opens failed with ENOMEM\n",
	       nth, enomem);
	_exit(enomem ? 0 : 5);
}

/* Of kmemleak's report @rep, keep the objects whose backtrace names @fn. */
static void pit_leaks_of(struct pit_log *l, const char *rep, const char *fn)
{
	const char *mark = "unreferenced object", *obj, *next;
	size_t len;

	for (obj = strstr(rep, mark); obj; obj = next) {
		next = strstr(obj + 1, mark);
		len = next ? (size_t)(next - obj) : strlen(obj);
		if (memmem(obj, len, fn, strlen(fn)))
			pit_log_add(l, obj, len);
	}
}

TEST_F_TIMEOUT(pit, t_pit_21_open_leaks_on_error, 120)
{
	const char *kml = "/sys/kernel/debug/kmemleak";
	struct pit_case pc;
	size_t len = 0;
	char *rep;
	ssize_t n;
	pid_t pid;
	int fd, i;

	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	if (access(kml, W_OK))
		SKIP(return, "no kmemleak (DEBUG_KMEMLEAK, kmemleak=on)");
	ASSERT_EQ(0, pit_fi_set("ignore-gfp-wait", "N"));
	ASSERT_EQ(0, pit_fi_set("cache-filter", "N"));
	ASSERT_TRUE(pit_case_start(_metadata, "OPEN_LEAKS_ON_ERROR", &pc));
	/*
	 * A few sweeps, each in a child of its own, then children that do
	 * nothing: an exited child's kernel stack is cached for the next
	 * fork, and kmemleak would take a stale pointer left in it for a
	 * reference. The later children reuse and overwrite those stacks.
	 */
	for (i = 0; i < 4; i++) {
		pid = pit_spawn("OPEN_LEAKS_ON_ERROR", pit_drive_open_leak);
		EXPECT_EQ(0, relq_wait_child(pid)) TH_LOG("no open failed with ENOMEM");
	}
	for (i = 0; i < 8; i++) {
		pid = fork();
		if (pid == 0)
			_exit(access(PIT_CHANNEL_NODE, F_OK));
		waitpid(pid, NULL, 0);
	}
	pit_fi_set("ignore-gfp-wait", "Y");
	pit_direct("NONE");
	/* Objects are reported once unreferenced for 5 s, over two scans. */
	sleep(6);
	EXPECT_EQ(0, relq_write_file(kml, "scan"));
	EXPECT_EQ(0, relq_write_file(kml, "scan"));
	/*
	 * The report is kmemleak's file (the log only says it has news): its
	 * objects allocated in pit_open() replace the fail-nth sweep's lines.
	 */
	pit_log_read(&pc.l);
	pc.l.len = 0;
	pc.l.buf[0] = '\0';
	rep = calloc(1, PIT_LOG_MAX + 1);
	ASSERT_NE(NULL, rep);
	fd = open(kml, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	while (len < PIT_LOG_MAX && (n = read(fd, rep + len, PIT_LOG_MAX - len)) > 0)
		len += n;
	close(fd);
	pit_leaks_of(&pc.l, rep, "pit_open");
	free(rep);
	EXPECT_TRUE(pit_case_end(_metadata, &pc, false));
}

/* T-PIT-22: close one of two fds of one open file, read through the other. */
static void pit_drive_flush(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE), dupfd = dup(fd);
	char c;

	close(fd);
	if (read(dupfd, &c, 1) < 0)
		_exit(3);
}

TEST_F(pit, t_pit_22_free_in_flush)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "FREE_IN_FLUSH", pit_drive_flush, 10000));
}

/* T-PIT-23: a flag bit no command knows. */
static void pit_drive_flags(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	__u32 flags = 0x80;

	ioctl(fd, strcmp(name, "BUG_ON_USER_FIELD") ? PIT_IOC_FLAGS_WARN :
	      PIT_IOC_FLAGS_BUG, &flags);
}

TEST_F(pit, t_pit_23_warn_on_user_field)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "WARN_ON_USER_FIELD", pit_drive_flags, 10000));
}

/* T-PIT-8 (kcsan kernel): one side of a counter updated without the lock. */
TEST_F(pit, t_pit_8_unlocked_counter)
{
	if (!pit_have_kcsan())
		SKIP(return, "needs the kcsan kernel (its own boot runs it)");
	EXPECT_TRUE(pit_run(_metadata, "UNLOCKED_COUNTER", NULL, 15000));
}

/*
 * From here on, each pitfall oopses: the child dies, the kernel goes on,
 * but tainted D, and the hung-task detector (T-PIT-20) stops reporting
 * for good after the first oops: it runs before all of them.
 */

/* T-PIT-3: a 40-character name for the 32-byte field. */
static void pit_drive_strcpy(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	struct pit_create c;

	memset(&c, 0, sizeof(c));
	memset(c.name, 'n', 40);
	ioctl(fd, PIT_IOC_CREATE, &c);
}

TEST_F(pit, t_pit_3_strcpy_user_name)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "STRCPY_USER_NAME", pit_drive_strcpy, 10000));
}

/* T-PIT-14: the status command's number with a 512-byte size. */
static void pit_drive_ioc_nr(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	char buf[512];

	ioctl(fd, _IOR(PIT_IOC_MAGIC, PIT_NR_STATUS, char[512]), buf);
}

TEST_F(pit, t_pit_14_dispatch_on_ioc_nr)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "DISPATCH_ON_IOC_NR", pit_drive_ioc_nr, 10000));
}

/* T-PIT-11: INFO with a 4096-byte struct size. */
static void pit_drive_info(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	static __u32 big[1024];

	big[0] = sizeof(big);
	ioctl(fd, PIT_IOC_INFO, big);
}

TEST_F(pit, t_pit_11_info_user_size)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "INFO_USER_SIZE", pit_drive_info, 10000));
}

/* T-PIT-16: the kernel reads a user pointer directly (SMAP). */
static void pit_drive_peek(const char *name)
{
	int fd = pit_open(PIT_CHANNEL_NODE);
	__u32 v = 1;

	ioctl(fd, PIT_IOC_PEEK, &v);
}

TEST_F(pit, t_pit_16_user_pointer_deref)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "USER_POINTER_DEREF", pit_drive_peek, 10000));
}

TEST_F(pit, t_pit_23_bug_on_user_field)
{
	if (pit_have_kcsan())
		SKIP(return, PIT_ON_KCSAN);
	EXPECT_TRUE(pit_run(_metadata, "BUG_ON_USER_FIELD", pit_drive_flags, 10000));
}

TEST_HARNESS_MAIN
