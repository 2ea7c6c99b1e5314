// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for the rules an adversarial run of the uapi found broken,
 * one test per rule, each named after it:
 *
 *  - a CREATE that runs out of memory fails with ENOMEM and kills nothing,
 *    and the rings of all channels together stay within
 *    max_total_capacity (EDQUOT);
 *  - a write succeeds only for a message queued on a live channel;
 *  - the status mapping survives madvise(MADV_DONTNEED);
 *  - a channel's traffic in sysfs is as private as INFO;
 *  - O_NONBLOCK never waits behind another caller's stalled user copy;
 *  - module parameters are decimal only;
 *  - access follows the channel, not the node used to reach it;
 *  - LINK and UNLINK wait interruptibly.
 *
 * The stalls come from userfaultfd: a buffer whose page is missing until
 * the test supplies it. Run as root with relq.ko loaded; a test whose
 * kernel lacks what it needs (userfaultfd, the memory cgroup) is SKIPped
 * with the reason.
 */
#include <dirent.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define RELQ_HARD_MAX_TRACKED	8
#define RELQ_HARD_NR_RESULTS	16
#define RELQ_HARD_MAX_SAVED	6

FIXTURE(hard) {
	int ctl;
	int *r;
	int ntracked;
	char tracked[RELQ_HARD_MAX_TRACKED][RELQ_NAME_LEN];
	/* Parameters a test changed, restored by the teardown. */
	char saved_param[RELQ_HARD_MAX_SAVED][32];
	char saved_value[RELQ_HARD_MAX_SAVED][32];
	int nsaved;
	struct relq_nodes nodes;
	char bind[96];
};

FIXTURE_SETUP(hard)
{
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's hardening tests need root");
	self->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	self->r = relq_shared_ints(RELQ_HARD_NR_RESULTS);
	ASSERT_TRUE(!!self->r);
}

FIXTURE_TEARDOWN(hard)
{
	int i;

	if (self->bind[0]) {
		umount2(self->bind, MNT_DETACH);
		unlink(self->bind);
	}
	for (i = 0; i < self->ntracked; i++)
		relq_destroy(self->ctl, self->tracked[i]);
	for (i = self->nsaved - 1; i >= 0; i--)
		relq_param_write(self->saved_param[i], self->saved_value[i]);
	relq_nodes_remove(&self->nodes);
	if (self->r)
		munmap(self->r, RELQ_HARD_NR_RESULTS * sizeof(int));
	close(self->ctl);
}

/* Set errno to @err and return it: the helpers' 0-or-errno convention. */
static int relq_hard_errno(int err)
{
	errno = err;
	return err;
}

/* Remember @name so that the teardown destroys it (ENOENT is fine). */
static void relq_hard_track(struct _test_data_hard *self, const char *name)
{
	if (self->ntracked < RELQ_HARD_MAX_TRACKED)
		memcpy(self->tracked[self->ntracked++], name, RELQ_NAME_LEN);
}

/* A unique tracked name. */
static void relq_hard_name(struct _test_data_hard *self, char name[RELQ_NAME_LEN])
{
	relq_unique_name(name, "h");
	relq_hard_track(self, name);
}

/* Remember @param's value for the teardown; 0 or an errno. */
static int relq_hard_save_param(struct _test_data_hard *self, const char *param)
{
	char path[96];
	ssize_t n;
	int fd, i = self->nsaved;

	if (i == RELQ_HARD_MAX_SAVED)
		return relq_hard_errno(ENOSPC);
	snprintf(path, sizeof(path), RELQ_PARAM_DIR "/%s", param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, self->saved_value[i], sizeof(self->saved_value[i]) - 1);
	close(fd);
	if (n <= 0)
		return relq_hard_errno(EIO);
	self->saved_value[i][n] = '\0';
	snprintf(self->saved_param[i], sizeof(self->saved_param[i]), "%s", param);
	self->nsaved++;
	return 0;
}

/* Become @uid/@gid with exactly @groups and no capabilities; 0 or errno. */
static int relq_hard_become(uid_t uid, gid_t gid, int ngroups,
			    const gid_t *groups)
{
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return errno;
	return relq_drop_caps();
}

/* CREATE @name owned by @uid with @mode (4096, 64); 0 or an errno. */
static int relq_hard_create_owned(int ctl, const char *name, uid_t uid,
				  mode_t mode)
{
	struct relq_create c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.capacity = 4096;
	c.max_msg = 64;
	c.flags = RELQ_CREATE_UID | RELQ_CREATE_MODE;
	c.uid = uid;
	c.mode = mode;
	return relq_create_raw(ctl, &c);
}

/* As @uid (with group @group, or none if 0): open @path @flags; errno. */
static int relq_hard_open_as(uid_t uid, gid_t group, const char *path,
			     int flags)
{
	int *r = relq_shared_ints(2), status, ret;
	pid_t pid;

	if (!r)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd;

		r[0] = relq_hard_become(uid, uid, group ? 1 : 0, &group);
		if (r[0])
			_exit(1);
		fd = open(path, flags | O_CLOEXEC);
		r[1] = fd < 0 ? errno : 0;
		_exit(0);
	}
	status = relq_wait_child(pid);
	ret = status || r[0] ? -1 : r[1];
	munmap(r, 2 * sizeof(int));
	return ret;
}

/*
 * A page of anonymous memory that stays missing until the test fills it:
 * a kernel copy to or from it stalls in the page fault (userfaultfd).
 */
struct relq_uffd {
	int fd;
	char *page;
	size_t size;
};

/* 0, or an errno (the caller SKIPs: no userfaultfd in this kernel). */
static int relq_uffd_init(struct relq_uffd *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	u->size = relq_page_size();
	u->page = MAP_FAILED;
	u->fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u->fd < 0)
		return errno;
	if (ioctl(u->fd, UFFDIO_API, &api))
		return errno;
	u->page = mmap(NULL, u->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->page == MAP_FAILED)
		return errno;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)u->page;
	reg.range.len = u->size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u->fd, UFFDIO_REGISTER, &reg))
		return errno;
	return 0;
}

/* Wait (at most 10 s) until something faults on the page; 0 or errno. */
static int relq_uffd_wait_fault(struct relq_uffd *u)
{
	struct pollfd p = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, 10000) != 1)
		return relq_hard_errno(ETIMEDOUT);
	if (read(u->fd, &msg, sizeof(msg)) != sizeof(msg))
		return errno;
	return msg.event == UFFD_EVENT_PAGEFAULT ? 0 : EPROTO;
}

/* Supply the page, filled with @byte: the stalled copy goes on. */
static int relq_uffd_resolve(struct relq_uffd *u, int byte)
{
	struct uffdio_copy c;
	char *src = aligned_alloc(u->size, u->size);
	int err = 0;

	if (!src)
		return relq_hard_errno(ENOMEM);
	memset(src, byte, u->size);
	memset(&c, 0, sizeof(c));
	c.dst = (unsigned long)u->page;
	c.src = (unsigned long)src;
	c.len = u->size;
	if (ioctl(u->fd, UFFDIO_COPY, &c))
		err = errno;
	free(src);
	return err;
}

static void relq_uffd_fini(struct relq_uffd *u)
{
	if (u->page != MAP_FAILED)
		munmap(u->page, u->size);
	if (u->fd >= 0)
		close(u->fd);
}

/* One system call in a thread, its result and errno kept. */
struct relq_call {
	pthread_t thread;
	int fd;
	int op;		/* 'r' read, 'w' write, 'l' LINK, 'u' UNLINK, 'g' getdents, 'd' DESTROY */
	void *buf;
	size_t len;
	int arg;
	const char *name;
	long ret;
	int err;
	int done;		/* __atomic: set when the call returned */
};

static void *relq_call_fn(void *arg)
{
	struct relq_call *c = arg;
	struct relq_destroy d;

	switch (c->op) {
	case 'r':
		c->ret = read(c->fd, c->buf, c->len);
		break;
	case 'w':
		c->ret = write(c->fd, c->buf, c->len);
		break;
	case 'l':
		c->ret = relq_link(c->fd, c->arg) ? -1 : 0;
		break;
	case 'u':
		c->ret = relq_unlink(c->fd) ? -1 : 0;
		break;
	case 'g':
		c->ret = syscall(SYS_getdents64, c->fd, c->buf, c->len);
		break;
	case 'd':
		memset(&d, 0, sizeof(d));
		snprintf(d.name, sizeof(d.name), "%s", c->name);
		c->ret = ioctl(c->fd, RELQ_IOC_DESTROY, &d);
		break;
	}
	c->err = c->ret < 0 ? errno : 0;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int relq_call_start(struct relq_call *c)
{
	c->done = 0;
	return pthread_create(&c->thread, NULL, relq_call_fn, c);
}

/* Whether the call is still running after @ms milliseconds. */
static bool relq_call_stuck(struct relq_call *c, long ms)
{
	long long end = relq_now_ms() + ms;

	while (relq_now_ms() < end) {
		if (__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
			return false;
		usleep(10000);
	}
	return !__atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

/* SIGUSR1 and SIGALRM interrupt system calls (no SA_RESTART). */
static void relq_hard_signals(void)
{
	relq_signal_interrupts(SIGUSR1);
	relq_signal_interrupts(SIGALRM);
}

/* The cgroup2 mount point, mounting it on @tmp if nothing has; or NULL. */
static const char *relq_cgroup2(char *tmp, size_t size, bool *mounted)
{
	static char found[PATH_MAX];
	char line[1024], *p;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	*mounted = false;
	while (f && fgets(line, sizeof(line), f)) {
		p = strstr(line, " - cgroup2 ");
		if (!p)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %1023s", found) == 1) {
			fclose(f);
			return found;
		}
	}
	if (f)
		fclose(f);
	snprintf(tmp, size, "/tmp/relq-cg-%d", (int)getpid());
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return NULL;
	if (mount("none", tmp, "cgroup2", 0, NULL)) {
		rmdir(tmp);
		return NULL;
	}
	*mounted = true;
	return tmp;
}

/*
 * A CREATE whose ring does not fit in memory fails with ENOMEM and the
 * OOM killer kills nobody: a child in a memory cgroup capped at 32 MiB
 * CREATEs a 64 MiB channel; it must live to report ENOMEM, and the
 * cgroup's memory.events must show no OOM kill.
 */
TEST_F_TIMEOUT(hard, create_enomem_never_oom_kills, 120)
{
	char tmp[64], cg[PATH_MAX + 32], path[PATH_MAX + 64], name[RELQ_NAME_LEN];
	char events[512] = "";
	const char *root;
	bool mounted;
	int status, fd;
	ssize_t n;
	pid_t pid;

	root = relq_cgroup2(tmp, sizeof(tmp), &mounted);
	if (!root)
		SKIP(return, "no cgroup2 file system in this kernel");
	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, events, sizeof(events) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || !strstr(events, "memory")) {
		if (mounted) {
			umount(tmp);
			rmdir(tmp);
		}
		SKIP(return, "no memory cgroup controller in this kernel");
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	relq_write_file(path, "+memory");
	snprintf(cg, sizeof(cg), "%s/relq-kst-%d", root, (int)getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));
	snprintf(path, sizeof(path), "%s/memory.max", cg);
	EXPECT_EQ(0, relq_write_file(path, "33554432"));
	snprintf(path, sizeof(path), "%s/memory.swap.max", cg);
	relq_write_file(path, "0");

	ASSERT_EQ(0, relq_hard_save_param(self, "max_capacity"));
	ASSERT_EQ(0, relq_param_write("max_capacity", "67108864"));
	/* (A relq without the total limit still shows the OOM behaviour.) */
	if (!relq_hard_save_param(self, "max_total_capacity"))
		ASSERT_EQ(0, relq_param_write("max_total_capacity", "68719476736"));
	relq_hard_name(self, name);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char me[32];

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		snprintf(me, sizeof(me), "%d", (int)getpid());
		self->r[0] = relq_write_file(path, me);
		if (self->r[0])
			_exit(1);
		self->r[1] = relq_create(self->ctl, name, 67108864, 64, NULL);
		_exit(0);
	}
	status = relq_wait_child(pid);
	snprintf(path, sizeof(path), "%s/memory.events", cg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, events, sizeof(events) - 1);
	if (fd >= 0)
		close(fd);
	events[n > 0 ? n : 0] = '\0';
	rmdir(cg);
	if (mounted) {
		umount(tmp);
		rmdir(tmp);
	}
	TH_LOG("memory.events: %s", events);
	EXPECT_EQ(0, status) TH_LOG("the creating child was killed or failed");
	EXPECT_EQ(0, self->r[0]) TH_LOG("joining the cgroup: %s", strerror(self->r[0]));
	EXPECT_EQ(ENOMEM, self->r[1]) TH_LOG("CREATE: %s", strerror(self->r[1]));
	EXPECT_TRUE(!!strstr(events, "oom_kill 0"));
	EXPECT_FALSE(relq_list_has(self->ctl, name, NULL));
}

/* The capacities of every live channel, summed through sysfs. */
static int relq_hard_total(int ctl, unsigned long long *sum)
{
	static struct relq_list_entry e[RELQ_MAX_CHANNELS_LIMIT];
	unsigned long long v, max;
	char path[sizeof(RELQ_SYSFS_CLASS) + RELQ_NAME_LEN + 16], buf[32];
	__u32 n, i;
	ssize_t len;
	int fd, err;

	/* LIST takes at most max_channels entries. */
	err = relq_param_read("max_channels", &max);
	if (err)
		return err;
	err = relq_list(ctl, e, (__u32)max, &n);
	if (err)
		return err;
	*sum = 0;
	for (i = 0; i < n && i < RELQ_MAX_CHANNELS_LIMIT; i++) {
		snprintf(path, sizeof(path), RELQ_SYSFS_CLASS "/%.*s/capacity",
			 RELQ_NAME_LEN, e[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			return relq_hard_errno(EIO);
		buf[len] = '\0';
		v = strtoull(buf, NULL, 10);
		*sum += v;
	}
	return 0;
}

/*
 * max_total_capacity bounds the rings of all channels together: a CREATE
 * that would pass it gets EDQUOT and creates nothing; a DESTROY gives its
 * capacity back.
 */
TEST_F(hard, total_capacity_limit_edquot)
{
	char a[RELQ_NAME_LEN], b[RELQ_NAME_LEN], c[RELQ_NAME_LEN];
	unsigned long long sum;
	long count;

	ASSERT_EQ(0, relq_hard_save_param(self, "max_total_capacity"));
	ASSERT_EQ(0, relq_hard_total(self->ctl, &sum));
	ASSERT_EQ(0, relq_param_write_ull("max_total_capacity", sum + 8192));
	relq_hard_name(self, a);
	relq_hard_name(self, b);
	relq_hard_name(self, c);
	EXPECT_EQ(0, relq_create(self->ctl, a, 4096, 64, NULL));
	EXPECT_EQ(0, relq_create(self->ctl, b, 4096, 64, NULL));
	count = relq_list_count(self->ctl);
	EXPECT_EQ(EDQUOT, relq_create(self->ctl, c, 1, 1, NULL));
	EXPECT_EQ(count, relq_list_count(self->ctl));
	EXPECT_FALSE(relq_node_exists(c));
	EXPECT_EQ(0, relq_destroy(self->ctl, a));
	EXPECT_EQ(0, relq_create(self->ctl, c, 4096, 64, NULL));
	EXPECT_EQ(EDQUOT, relq_create(self->ctl, a, 1, 1, NULL));
}

/*
 * A write returns success only for a message queued on a live channel:
 * a write whose copy is stalled when DESTROY comes fails with ENODEV once
 * the copy ends, and the status page shows nothing sent and nothing
 * queued.
 */
TEST_F_TIMEOUT(hard, write_succeeds_only_on_live_channel, 60)
{
	char name[RELQ_NAME_LEN];
	struct relq_status st;
	struct relq_call w = { .op = 'w' };
	struct relq_uffd u;
	void *page;
	int fd, err;

	err = relq_uffd_init(&u);
	if (err) {
		relq_uffd_fini(&u);
		SKIP(return, "userfaultfd: %s", strerror(err));
	}
	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_create(self->ctl, name, 4096, 64, NULL));
	fd = relq_open(name, O_RDWR);
	ASSERT_LE(0, fd);
	page = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, page);

	w.fd = fd;
	w.buf = u.page;
	w.len = 16;
	ASSERT_EQ(0, relq_call_start(&w));
	ASSERT_EQ(0, relq_uffd_wait_fault(&u));
	/* The write is inside its copy: DESTROY now. */
	EXPECT_EQ(0, relq_destroy(self->ctl, name));
	EXPECT_EQ(0, relq_uffd_resolve(&u, 'w'));
	ASSERT_EQ(0, relq_join_ms(w.thread, 10000));
	EXPECT_EQ(-1, w.ret) TH_LOG("the write returned %ld", w.ret);
	EXPECT_EQ(ENODEV, w.err);
	ASSERT_TRUE(relq_status_snapshot(page, &st));
	EXPECT_EQ(RELQ_STATE_DEAD, st.state);
	EXPECT_EQ(0, st.sent);
	EXPECT_EQ(0, st.depth);
	munmap(page, relq_page_size());
	close(fd);
	relq_uffd_fini(&u);
}

/*
 * The status mapping stays valid for its whole life: after
 * madvise(MADV_DONTNEED) the next read maps the page again (no SIGBUS),
 * still current, still read-only.
 */
TEST_F(hard, status_map_survives_madv_dontneed)
{
	char name[RELQ_NAME_LEN];
	struct relq_status st;
	int fd, status;
	void *page;
	pid_t pid;

	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_create(self->ctl, name, 4096, 64, NULL));
	fd = relq_open(name, O_RDWR);
	ASSERT_LE(0, fd);
	page = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_TRUE(relq_status_snapshot(page, &st));
	EXPECT_EQ(0, st.depth);
	ASSERT_EQ(0, madvise(page, relq_page_size(), MADV_DONTNEED));
	ASSERT_EQ(3, write(fd, "abc", 3));
	/* A child reads first: a SIGBUS kills only it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(relq_status_snapshot(page, &st) && st.depth == 1 ? 0 : 1);
	status = relq_wait_child(pid);
	EXPECT_EQ(0, status) TH_LOG("reading the mapping after MADV_DONTNEED failed");
	if (!status) {
		ASSERT_TRUE(relq_status_snapshot(page, &st));
		EXPECT_EQ(1, st.depth);
		EXPECT_EQ(1, st.sent);
	}
	/* Still read-only and still one page. */
	EXPECT_EQ(EACCES, relq_err(mprotect(page, relq_page_size(), PROT_READ | PROT_WRITE)));
	EXPECT_EQ(0, madvise(page, relq_page_size(), MADV_DONTNEED));
	munmap(page, relq_page_size());
	close(fd);
}

/*
 * A channel's sysfs directory shows others only its id (the minor, which
 * ls -l /dev/relq shows anyway); capacity, max_msg, depth, bytes, sent,
 * received and state are root-only, as private as INFO.
 */
TEST_F(hard, sysfs_counters_root_only)
{
	static const char *const private[] = {
		"capacity", "max_msg", "depth", "bytes", "sent", "received",
		"state",
	};
	char name[RELQ_NAME_LEN], path[128];
	unsigned int i;
	struct stat st;

	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_create(self->ctl, name, 4096, 64, NULL));
	snprintf(path, sizeof(path), RELQ_SYSFS_CLASS "/%s/id", name);
	EXPECT_EQ(0, relq_hard_open_as(65534, 0, path, O_RDONLY));
	for (i = 0; i < ARRAY_SIZE(private); i++) {
		snprintf(path, sizeof(path), RELQ_SYSFS_CLASS "/%s/%s", name,
			 private[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0400, st.st_mode & 07777) TH_LOG("%s", private[i]);
		EXPECT_EQ(EACCES, relq_hard_open_as(65534, 0, path, O_RDONLY))
			TH_LOG("uid 65534 read %s", private[i]);
		EXPECT_EQ(0, relq_err(access(path, R_OK))) TH_LOG("root: %s", private[i]);
	}
}

/*
 * O_NONBLOCK never sleeps behind another caller's user copy: with a
 * blocking write stalled inside its copy (holding the writers' side), a
 * non-blocking write gets EAGAIN at once; the same for a non-blocking
 * read behind a stalled read. (A pipe waits there; relq does not.) An
 * alarm turns a wait into EINTR, so a regression fails instead of hanging.
 */
TEST_F_TIMEOUT(hard, nonblock_never_waits_behind_a_copy, 60)
{
	struct relq_call w = { .op = 'w' }, r = { .op = 'r' };
	char name[RELQ_NAME_LEN], buf[64];
	struct relq_uffd uw, ur;
	int fd, nb, err;

	err = relq_uffd_init(&uw);
	if (err) {
		relq_uffd_fini(&uw);
		SKIP(return, "userfaultfd: %s", strerror(err));
	}
	err = relq_uffd_init(&ur);
	ASSERT_EQ(0, err) TH_LOG("a second userfaultfd: %s", strerror(err));
	relq_hard_signals();
	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_create(self->ctl, name, 4096, 64, NULL));
	fd = relq_open(name, O_RDWR);
	ASSERT_LE(0, fd);
	nb = relq_open(name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);

	/* Writers: one stalled in its copy, one non-blocking. */
	w.fd = fd;
	w.buf = uw.page;
	w.len = 8;
	ASSERT_EQ(0, relq_call_start(&w));
	ASSERT_EQ(0, relq_uffd_wait_fault(&uw));
	alarm(5);
	EXPECT_EQ(EAGAIN, relq_err(write(nb, "n", 1)));
	alarm(0);
	EXPECT_EQ(0, relq_uffd_resolve(&uw, 'w'));
	ASSERT_EQ(0, relq_join_ms(w.thread, 10000));
	EXPECT_EQ(8, w.ret);

	/* Readers: one stalled copying the message out, one non-blocking. */
	ASSERT_EQ(1, write(fd, "m", 1));
	r.fd = fd;
	r.buf = ur.page;
	r.len = 64;
	ASSERT_EQ(0, relq_call_start(&r));
	ASSERT_EQ(0, relq_uffd_wait_fault(&ur));
	alarm(5);
	EXPECT_EQ(EAGAIN, relq_err(read(nb, buf, sizeof(buf))));
	alarm(0);
	EXPECT_EQ(0, relq_uffd_resolve(&ur, 0));
	ASSERT_EQ(0, relq_join_ms(r.thread, 10000));
	EXPECT_EQ(8, r.ret) TH_LOG("the stalled read got the first message");
	/* Nothing lost: the second message is still there. */
	EXPECT_EQ(1, read(nb, buf, sizeof(buf)));
	close(nb);
	close(fd);
	relq_uffd_fini(&uw);
	relq_uffd_fini(&ur);
}

/*
 * Module parameters take decimal digits only: "0x10", "010", "+7", "-1",
 * " 7", "7 7", "1e3" and "08" are EINVAL and change nothing;
 * default_group also takes -1 for none.
 */
TEST_F(hard, params_decimal_only)
{
	static const char *const params[] = {
		"max_channels", "max_capacity", "max_msg_size",
		"max_total_capacity", "default_group",
	};
	static const char *const bad[] = {
		"0x10", "010", "+7", " 7", "7 7", "1e3", "08",
	};
	char before[32], after[32];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		ASSERT_EQ(0, relq_hard_save_param(self, params[i]));
		ASSERT_EQ(0, relq_param_text(params[i], before, sizeof(before)));
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			EXPECT_EQ(EINVAL, relq_param_write(params[i], bad[j]))
				TH_LOG("%s accepted \"%s\"", params[i], bad[j]);
			ASSERT_EQ(0, relq_param_text(params[i], after, sizeof(after)));
			EXPECT_STREQ(before, after);
		}
		if (i < 4)
			EXPECT_EQ(EINVAL, relq_param_write(params[i], "-1"));
		EXPECT_EQ(0, relq_param_write(params[i], "16\n"));
		ASSERT_EQ(0, relq_param_text(params[i], after, sizeof(after)));
		EXPECT_STREQ("16", after);
		EXPECT_EQ(0, relq_param_write(params[i], before));
	}
	EXPECT_EQ(0, relq_param_write("default_group", "-1"));
	EXPECT_EQ(EINVAL, relq_param_write("default_group", "-2"));
}

/*
 * Access follows the channel, not the node: a 0666 copy of a channel's
 * node made with mknod does not let a user the channel's policy refuses
 * open it, while its owner can; and default_group gives its members
 * read and write on channels created without explicit access, on the
 * node (created 0660 with that group) and in the driver alike.
 */
TEST_F(hard, open_follows_channel_policy)
{
	char name[RELQ_NAME_LEN], dname[RELQ_NAME_LEN], path[96], node[64];
	struct stat st;

	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_hard_create_owned(self->ctl, name, 1000, 0600));
	relq_channel_path(node, sizeof(node), name);
	ASSERT_EQ(0, stat(node, &st));
	ASSERT_EQ(0, relq_nodes_mknod(&self->nodes, st.st_rdev, path, sizeof(path)));
	EXPECT_EQ(EACCES, relq_hard_open_as(1001, 0, path, O_RDWR));
	EXPECT_EQ(EACCES, relq_hard_open_as(1001, 0, path, O_RDONLY));
	EXPECT_EQ(0, relq_hard_open_as(1000, 0, path, O_RDWR));

	ASSERT_EQ(0, relq_hard_save_param(self, "default_group"));
	ASSERT_EQ(0, relq_param_write("default_group", "4242"));
	relq_hard_name(self, dname);
	ASSERT_EQ(0, relq_create(self->ctl, dname, 4096, 64, NULL));
	relq_channel_path(node, sizeof(node), dname);
	ASSERT_EQ(0, stat(node, &st));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(4242, st.st_gid);
	EXPECT_EQ(0, relq_hard_open_as(1001, 4242, node, O_RDWR));
	EXPECT_EQ(EACCES, relq_hard_open_as(1002, 0, node, O_RDWR));
	/* The node of a default channel, copied 0666: the group still rules. */
	ASSERT_EQ(0, relq_nodes_mknod(&self->nodes, st.st_rdev, path, sizeof(path)));
	EXPECT_EQ(EACCES, relq_hard_open_as(1002, 0, path, O_RDWR));
	EXPECT_EQ(0, relq_hard_open_as(1001, 4242, path, O_RDWR));
	/* Without default_group, the default channel is root's alone again. */
	ASSERT_EQ(0, relq_param_write("default_group", "-1"));
	EXPECT_EQ(EACCES, relq_hard_open_as(1001, 4242, path, O_RDWR));
}

/*
 * A stale node cannot open a channel it was not made for. A container
 * runtime copies a channel's node (owner uid 1000, 0600) with mknod and
 * bind-mounts the copy into the container's /dev; the copy outlives
 * DESTROY (devtmpfs strips the mode of its own deleted node, but not of
 * copies). Once a new root-only channel has the same minor, uid 1000
 * opening the stale node gets EACCES, not the new channel.
 */
TEST_F_TIMEOUT(hard, stale_node_cannot_reach_reused_minor, 600)
{
	char name[RELQ_NAME_LEN], other[RELQ_NAME_LEN], node[96];
	unsigned int i, maj, min, m2 = ~0u, j2;
	struct relq_create *ro;
	int fd, err;

	relq_hard_name(self, name);
	ASSERT_EQ(0, relq_hard_create_owned(self->ctl, name, 1000, 0600));
	ASSERT_EQ(0, relq_sysfs_devt(name, &maj, &min));
	/* The runtime's copy: same owner and mode as the original node. */
	ASSERT_EQ(0, relq_nodes_mknod(&self->nodes, makedev(maj, min), node,
				      sizeof(node)));
	ASSERT_EQ(0, chown(node, 1000, 0));
	ASSERT_EQ(0, chmod(node, 0600));
	snprintf(self->bind, sizeof(self->bind), "/tmp/relq-stale-%d", (int)getpid());
	fd = open(self->bind, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	err = mount(node, self->bind, NULL, MS_BIND, NULL);
	if (err) {
		unlink(self->bind);
		self->bind[0] = '\0';
		SKIP(return, "bind mount: %s", strerror(errno));
	}
	EXPECT_EQ(0, relq_hard_open_as(1000, 0, self->bind, O_RDWR));
	ASSERT_EQ(0, relq_destroy(self->ctl, name));
	EXPECT_EQ(ENXIO, relq_hard_open_as(1000, 0, self->bind, O_RDWR));

	/*
	 * Minors are handed out cyclically: go round until ours comes back.
	 * A CREATE whose argument is read-only takes an id and gives it back
	 * (its id cannot be written out: EFAULT) without making a device, so
	 * most of the way round is cheap; real CREATEs do the last steps.
	 */
	relq_unique_name(other, "m");
	relq_hard_track(self, other);
	ro = mmap(NULL, relq_page_size(), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memset(ro, 0, sizeof(*ro));
	snprintf(ro->name, sizeof(ro->name), "%s", other);
	ro->capacity = 64;
	ro->max_msg = 16;
	ASSERT_EQ(0, mprotect(ro, relq_page_size(), PROT_READ));
	for (i = 0; i < RELQ_MAX_CHANNELS_LIMIT - 8; i++)
		ASSERT_EQ(EFAULT, relq_create_raw(self->ctl, ro));
	munmap(ro, relq_page_size());
	for (i = 0; i < 2 * RELQ_MAX_CHANNELS_LIMIT; i++) {
		ASSERT_EQ(0, relq_create(self->ctl, other, 4096, 64, &j2));
		m2 = j2;
		if (m2 == min)
			break;
		ASSERT_EQ(0, relq_destroy(self->ctl, other));
	}
	ASSERT_EQ(min, m2) TH_LOG("minor %u never came back", min);
	TH_LOG("minor %u reused after %u EFAULT and %u real CREATEs", min,
	       (unsigned int)RELQ_MAX_CHANNELS_LIMIT - 8, i + 1);
	EXPECT_EQ(EACCES, relq_hard_open_as(1000, 0, self->bind, O_RDWR));
	EXPECT_EQ(EACCES, relq_hard_open_as(1000, 0, self->bind, O_RDONLY));
}

/* Whether /dev is devtmpfs, whose directory lock DESTROY waits on. */
static bool relq_dev_is_devtmpfs(void)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool yes = false;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " /dev ") && strstr(line, " - devtmpfs "))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

/*
 * LINK and UNLINK, which need no privilege, wait for the registry
 * interruptibly: while DESTROY is held up (devtmpfs cannot remove the node
 * while a getdents() of /dev/relq is stalled in its copy), a LINK or an
 * UNLINK waiting behind it returns EINTR on a signal, and works once the
 * stall ends.
 */
TEST_F_TIMEOUT(hard, link_unlink_wait_interruptible, 120)
{
	struct relq_call g = { .op = 'g' }, d = { .op = 'd' };
	struct relq_call l = { .op = 'l' }, un = { .op = 'u' };
	char victim[RELQ_NAME_LEN], up[RELQ_NAME_LEN], low[RELQ_NAME_LEN];
	struct relq_uffd u;
	int dir, ufd, lfd, err;

	if (!relq_dev_is_devtmpfs())
		SKIP(return, "/dev is not devtmpfs: nothing holds DESTROY up");
	err = relq_uffd_init(&u);
	if (err) {
		relq_uffd_fini(&u);
		SKIP(return, "userfaultfd: %s", strerror(err));
	}
	relq_hard_signals();
	relq_hard_name(self, victim);
	relq_hard_name(self, up);
	relq_hard_name(self, low);
	ASSERT_EQ(0, relq_create(self->ctl, victim, 4096, 64, NULL));
	ASSERT_EQ(0, relq_create(self->ctl, up, 4096, 64, NULL));
	ASSERT_EQ(0, relq_create(self->ctl, low, 4096, 64, NULL));
	ufd = relq_open(up, O_RDWR);
	lfd = relq_open(low, O_RDWR);
	ASSERT_LE(0, ufd);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, relq_link(ufd, lfd));

	dir = open(RELQ_CHANNEL_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dir);
	g.fd = dir;
	g.buf = u.page;
	g.len = u.size;
	ASSERT_EQ(0, relq_call_start(&g));
	ASSERT_EQ(0, relq_uffd_wait_fault(&u));
	d.fd = self->ctl;
	d.name = victim;
	ASSERT_EQ(0, relq_call_start(&d));
	if (!relq_call_stuck(&d, 1000)) {
		relq_uffd_resolve(&u, 0);
		relq_join_ms(g.thread, 10000);
		relq_join_ms(d.thread, 10000);
		SKIP(return, "DESTROY was not held up by the stalled getdents()");
	}

	/* UNLINK behind the stuck DESTROY: a signal ends its wait. */
	un.fd = ufd;
	ASSERT_EQ(0, relq_call_start(&un));
	EXPECT_TRUE(relq_call_stuck(&un, 500));
	pthread_kill(un.thread, SIGUSR1);
	EXPECT_FALSE(relq_call_stuck(&un, 3000)) TH_LOG("UNLINK ignored the signal");
	/* LINK too (on the channel still linked: its answer would be EBUSY). */
	l.fd = ufd;
	l.arg = lfd;
	ASSERT_EQ(0, relq_call_start(&l));
	EXPECT_TRUE(relq_call_stuck(&l, 500));
	pthread_kill(l.thread, SIGUSR1);
	EXPECT_FALSE(relq_call_stuck(&l, 3000)) TH_LOG("LINK ignored the signal");

	/* Let everything go, then look at the results. */
	EXPECT_EQ(0, relq_uffd_resolve(&u, 0));
	ASSERT_EQ(0, relq_join_ms(g.thread, 10000));
	ASSERT_EQ(0, relq_join_ms(d.thread, 10000));
	ASSERT_EQ(0, relq_join_ms(un.thread, 10000));
	ASSERT_EQ(0, relq_join_ms(l.thread, 10000));
	EXPECT_EQ(0, d.ret) TH_LOG("DESTROY: %s", strerror(d.err));
	EXPECT_EQ(EINTR, un.err) TH_LOG("UNLINK: %ld %s", un.ret, strerror(un.err));
	EXPECT_EQ(EINTR, l.err) TH_LOG("LINK: %ld %s", l.ret, strerror(l.err));
	/* The interrupted UNLINK changed nothing: the link is still there. */
	EXPECT_EQ(EBUSY, relq_link(ufd, lfd));
	EXPECT_EQ(0, relq_unlink(ufd));
	close(dir);
	close(ufd);
	close(lfd);
	relq_uffd_fini(&u);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
