/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for relq's kselftests: channel create/destroy/list/open
 * wrappers, module parameters, 0xA5 fill checks, guard-page buffers and
 * an errno checker. Action helpers return 0 or a positive errno, so a
 * test reads EXPECT_EQ(EINVAL, relq_create(...)).
 */
#ifndef _RELQ_TEST_H
#define _RELQ_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/relq.h>

#define RELQ_CONTROL_PATH	"/dev/relq-control"
#define RELQ_CHANNEL_DIR	"/dev/relq"
#define RELQ_SYSFS_CLASS	"/sys/class/relq"
#define RELQ_PARAM_DIR		"/sys/module/relq/parameters"
#define RELQ_DEBUGFS_DIR	"/sys/kernel/debug/relq"
#define RELQ_COUNTERS_PATH	RELQ_DEBUGFS_DIR "/counters"
#define RELQ_TRACEFS		"/sys/kernel/tracing"

/* The byte every output buffer is prefilled with. */
#define RELQ_FILL		0xA5

/* Documented parameter ranges (Documentation/userspace-api/relq.rst). */
#define RELQ_MAX_CHANNELS_LIMIT	1024ULL
#define RELQ_MAX_CAPACITY_LIMIT	67108864ULL
#define RELQ_MAX_MSG_SIZE_LIMIT	1048576ULL

/*
 * The seed of a randomised test: RELQ_SEED from the environment (to
 * replay a failure), else the time. The caller logs it.
 */
static inline unsigned int relq_test_seed(void)
{
	const char *s = getenv("RELQ_SEED");

	return s ? (unsigned int)strtoul(s, NULL, 0) : (unsigned int)time(NULL);
}

/* xorshift32: a small, seedable PRNG for replayable random tests. */
static inline unsigned int relq_rand(unsigned int *state)
{
	unsigned int x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static inline size_t relq_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * T-CPL-2: every errno relq_err() returns is counted in a table that a
 * program's test processes share (mapped before the harness forks them);
 * the program's last tests check it (relq_last_test.h).
 */
#define RELQ_ERRNO_MAX	4096
static unsigned int *relq_errno_seen;

__attribute__((constructor)) static void relq_errno_log_init(void)
{
	void *p = mmap(NULL, RELQ_ERRNO_MAX * sizeof(unsigned int),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	relq_errno_seen = p == MAP_FAILED ? NULL : p;
}

/*
 * The errno of a failed system call, 0 when it succeeded:
 * EXPECT_EQ(EBADF, relq_err(read(fd, buf, 1))). It is the one function
 * negative results go through, and it records each errno (T-CPL-2).
 */
static inline int relq_err(long ret)
{
	int err = ret == -1 ? errno : 0;

	if (err > 0 && err < RELQ_ERRNO_MAX && relq_errno_seen)
		__atomic_add_fetch(&relq_errno_seen[err], 1, __ATOMIC_RELAXED);
	return err;
}

/*
 * Every errno the userspace API documents (the errno table of
 * Documentation/userspace-api/relq.rst; scripts/errno_table.py keeps the
 * two equal).
 */
static const int relq_documented_errnos[] = {
	E2BIG, EACCES, EAGAIN, EBADF, EBUSY, ECANCELED, EDQUOT, EEXIST, EFAULT,
	EINTR, EINVAL, ELOOP, EMLINK, EMSGSIZE, ENAMETOOLONG, ENODEV, ENOENT,
	ENOMEM, ENOSPC, ENOTTY, ENXIO, EOPNOTSUPP, EPERM, EPIPE, ESPIPE,
};

/*
 * The errno of a failed mmap(), 0 when it succeeded; an unexpected
 * mapping is removed again so that a failing test leaks nothing.
 */
static inline int relq_mmap_err(void *p, size_t len)
{
	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

/* A name unique to this process: "kst-<pid>-<tag><n>". */
static inline void relq_unique_name(char name[RELQ_NAME_LEN], const char *tag)
{
	static unsigned int counter;

	snprintf(name, RELQ_NAME_LEN, "kst-%d-%s%u", (int)getpid(), tag,
		 counter++);
}

static inline int relq_create_raw(int ctl, struct relq_create *c)
{
	return relq_err(ioctl(ctl, RELQ_IOC_CREATE, c));
}

/* CREATE a channel with default owner and mode; 0 or an errno. */
static inline int relq_create(int ctl, const char *name, __u64 capacity,
			      __u32 max_msg, __u32 *id)
{
	struct relq_create c;
	int err;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.capacity = capacity;
	c.max_msg = max_msg;
	err = relq_create_raw(ctl, &c);
	if (!err && id)
		*id = c.id;
	return err;
}

/* DESTROY a channel by name; 0 or an errno. */
static inline int relq_destroy(int ctl, const char *name)
{
	struct relq_destroy d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	return relq_err(ioctl(ctl, RELQ_IOC_DESTROY, &d));
}

/* LIST into @entries (may be NULL when @capacity is 0); 0 or an errno. */
static inline int relq_list(int ctl, struct relq_list_entry *entries,
			    __u32 capacity, __u32 *count)
{
	struct relq_list l;
	int err;

	memset(&l, 0, sizeof(l));
	l.entries = (uintptr_t)entries;
	l.capacity = capacity;
	err = relq_err(ioctl(ctl, RELQ_IOC_LIST, &l));
	if (!err && count)
		*count = l.count;
	return err;
}

/* The number of live channels, or -1 if LIST failed. */
static inline long relq_list_count(int ctl)
{
	__u32 count;

	return relq_list(ctl, NULL, 0, &count) ? -1 : (long)count;
}

/* Whether LIST shows a channel named @name (and its id in @id). */
static inline bool relq_list_has(int ctl, const char *name, __u32 *id)
{
	struct relq_list_entry *e;
	__u32 count, i;
	bool found = false;

	if (relq_list(ctl, NULL, 0, &count) || !count)
		return false;
	e = calloc(count, sizeof(*e));
	if (!e)
		return false;
	if (!relq_list(ctl, e, count, &count)) {
		for (i = 0; i < count && !found; i++) {
			if (!strncmp(e[i].name, name, RELQ_NAME_LEN)) {
				found = true;
				if (id)
					*id = e[i].id;
			}
		}
	}
	free(e);
	return found;
}

static inline void relq_channel_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, RELQ_CHANNEL_DIR "/%.*s", RELQ_NAME_LEN - 1, name);
}

/* open() /dev/relq/<name>; the fd, or -1 with errno set. */
static inline int relq_open(const char *name, int flags)
{
	char path[64];

	relq_channel_path(path, sizeof(path), name);
	return open(path, flags | O_CLOEXEC);
}

/* Whether the node /dev/relq/<name> exists. */
static inline bool relq_node_exists(const char *name)
{
	char path[64];
	struct stat st;

	relq_channel_path(path, sizeof(path), name);
	return !stat(path, &st);
}

/* INFO with the current layout; 0 or an errno. */
static inline int relq_info(int fd, struct relq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return relq_err(ioctl(fd, RELQ_IOC_INFO, info));
}

/* FIONREAD on a channel: the next message's size, or -1. */
static inline int relq_fionread(int fd)
{
	int n = -1;

	if (ioctl(fd, FIONREAD, &n))
		return -1;
	return n;
}

/* The "major:minor" of /sys/class/relq/<name>/dev; 0 or an errno. */
static inline int relq_sysfs_devt(const char *name, unsigned int *maj,
				  unsigned int *min)
{
	char path[300];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), RELQ_SYSFS_CLASS "/%.255s/dev", name);
	f = fopen(path, "re");
	if (!f)
		return errno;
	ret = fscanf(f, "%u:%u", maj, min);
	fclose(f);
	return ret == 2 ? 0 : EINVAL;
}

/* Fill @len bytes with RELQ_FILL. */
static inline void relq_fill(void *buf, size_t len)
{
	memset(buf, RELQ_FILL, len);
}

/* Whether all @len bytes are still RELQ_FILL. */
static inline bool relq_is_fill(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != RELQ_FILL)
			return false;
	return true;
}

/* Whether all @len bytes are zero. */
static inline bool relq_is_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Whether a name field is NUL-terminated and zero-padded: the bytes from
 * its terminator to the end of the field are all zero.
 */
static inline bool relq_name_padded(const char name[RELQ_NAME_LEN])
{
	size_t len = strnlen(name, RELQ_NAME_LEN);

	return len < RELQ_NAME_LEN && relq_is_zero(name + len, RELQ_NAME_LEN - len);
}

/* A deterministic payload: byte i of message @seq. */
static inline unsigned char relq_pattern(unsigned int seq, size_t i)
{
	return (unsigned char)(seq * 131 + i * 7 + 1);
}

static inline void relq_fill_pattern(void *buf, size_t len, unsigned int seq)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = relq_pattern(seq, i);
}

static inline bool relq_check_pattern(const void *buf, size_t len,
				      unsigned int seq)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != relq_pattern(seq, i))
			return false;
	return true;
}

static inline size_t relq_guard_span(size_t len)
{
	size_t pg = relq_page_size();
	size_t data = (len + pg - 1) / pg * pg;

	return data ? data : pg;
}

/*
 * @len bytes of read-write memory that end exactly where a PROT_NONE
 * page begins, so touching the byte after them faults; NULL on failure.
 * The contents start zeroed. Free with relq_guard_free(p, len).
 */
static inline void *relq_guard_alloc(size_t len)
{
	size_t pg = relq_page_size(), data = relq_guard_span(len);
	char *base;

	base = mmap(NULL, data + pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base + data, pg, PROT_NONE)) {
		munmap(base, data + pg);
		return NULL;
	}
	return base + data - len;
}

static inline void relq_guard_free(void *p, size_t len)
{
	size_t data = relq_guard_span(len);

	if (p)
		munmap((char *)p + len - data, data + relq_page_size());
}

/* Read module parameter @param as a number; 0 or an errno. */
static inline int relq_param_read(const char *param, unsigned long long *val)
{
	char path[96], buf[32];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), RELQ_PARAM_DIR "/%s", param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		err = n ? errno : EINVAL;
	} else {
		buf[n] = '\0';
		*val = strtoull(buf, NULL, 0);
	}
	close(fd);
	return err;
}

/*
 * Read module parameter @param as text into @buf (@size bytes), without
 * its newline; 0 or an errno.
 */
static inline int relq_param_text(const char *param, char *buf, size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), RELQ_PARAM_DIR "/%s", param);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return n ? errno : EINVAL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Write @val to module parameter @param in one write(); 0 or an errno. */
static inline int relq_param_write(const char *param, const char *val)
{
	char path[96];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), RELQ_PARAM_DIR "/%s", param);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(val))
		err = EIO;
	close(fd);
	return err;
}

static inline int relq_param_write_ull(const char *param, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu\n", v);
	return relq_param_write(param, buf);
}

/*
 * A consistent snapshot of the status page: retry until the sequence
 * count is even and unchanged around the copy. False if the page never
 * settled.
 */
static inline long long relq_now_ms(void);

/*
 * A consistent snapshot of the status page, retried while the kernel is
 * mid-update. A vCPU can be descheduled by the host inside the kernel's
 * short update (TCG on a loaded machine), so the bound is time (2 s, a
 * hang guard), not a number of tries.
 */
static inline bool relq_status_snapshot(const struct relq_status *page,
					struct relq_status *out)
{
	unsigned int seq1, seq2, tries;
	long long end = relq_now_ms() + 2000;

	for (tries = 1; ; tries++) {
		seq1 = __atomic_load_n(&page->seq, __ATOMIC_ACQUIRE);
		if (!(seq1 & 1)) {
			memcpy(out, page, sizeof(*out));
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			seq2 = __atomic_load_n(&page->seq, __ATOMIC_RELAXED);
			if (seq1 == seq2) {
				out->seq = seq1;
				return true;
			}
		}
		if (!(tries & 1023)) {
			if (relq_now_ms() > end)
				return false;
			sched_yield();
		}
	}
}

/* Monotonic time in milliseconds. */
static inline long long relq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pthread_join() with a hang guard of @ms; 0 or ETIMEDOUT. */
static inline int relq_join_ms(pthread_t t, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(t, NULL, &ts);
}

/* Device nodes a test makes in a temporary directory of its own. */
#define RELQ_MAX_NODES	4

struct relq_nodes {
	char dir[64];
	int n;
	char path[RELQ_MAX_NODES][96];
};

/*
 * Make the directory: where device nodes work (/tmp may be mounted nodev,
 * so /dev is tried next), 0755 so unprivileged children reach it.
 */
static inline int relq_nodes_dir(struct relq_nodes *nd)
{
	static const char * const bases[] = { "/tmp", "/dev" };
	char probe[96];
	unsigned int i;
	int fd;

	if (nd->dir[0])
		return 0;
	for (i = 0; i < 2; i++) {
		snprintf(nd->dir, sizeof(nd->dir), "%s/relq-kst-XXXXXX", bases[i]);
		if (!mkdtemp(nd->dir))
			continue;
		snprintf(probe, sizeof(probe), "%s/null", nd->dir);
		fd = -1;
		if (!mknod(probe, S_IFCHR | 0666, makedev(1, 3)))
			fd = open(probe, O_RDWR | O_CLOEXEC);
		unlink(probe);
		if (fd >= 0)
			close(fd);
		if (fd >= 0 && !chmod(nd->dir, 0755))
			return 0;
		rmdir(nd->dir);
	}
	nd->dir[0] = '\0';
	errno = ENODEV;
	return errno;
}

/* mknod a 0666 character node for @dev; its path in @path; 0 or an errno. */
static inline int relq_nodes_mknod(struct relq_nodes *nd, dev_t dev, char *path,
				   size_t size)
{
	int err;

	if (nd->n == RELQ_MAX_NODES) {
		errno = ENOSPC;
		return errno;
	}
	err = relq_nodes_dir(nd);
	if (err)
		return err;
	snprintf(path, size, "%s/n%d", nd->dir, nd->n);
	if (mknod(path, S_IFCHR | 0666, dev) || chmod(path, 0666))
		return errno;
	snprintf(nd->path[nd->n++], sizeof(nd->path[0]), "%s", path);
	return 0;
}

/* Remove every node and the directory (teardown; also after a failure). */
static inline void relq_nodes_remove(struct relq_nodes *nd)
{
	int i;

	for (i = 0; i < nd->n; i++)
		unlink(nd->path[i]);
	if (nd->dir[0])
		rmdir(nd->dir);
}

/* Child-to-parent results of a test that forks, filled with 0xff. */
static inline int *relq_shared_ints(unsigned int n)
{
	int *p = mmap(NULL, n * sizeof(int), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xff, n * sizeof(int));
	return p;
}

/* Wait for a child: its exit status, or -1 if it did not exit. */
static inline int relq_wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Write @s to @path in one write(), truncating the file (which clears a
 * tracefs "trace"); 0 or an errno.
 */
static inline int relq_write_file(const char *path, const char *s)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* Read one unsigned decimal number from @path; 0 or an errno. */
static inline int relq_read_ull(const char *path, unsigned long long *v)
{
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return errno;
	n = fscanf(f, "%llu", v);
	fclose(f);
	return n == 1 ? 0 : EINVAL;
}

/* Send @fd over the AF_UNIX socket @sock; 0 or an errno. */
static inline int relq_send_fd(int sock, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		return errno ? errno : EIO;
	return 0;
}

/* Receive one fd from @sock; the fd, or -1 with errno set. */
static inline int relq_recv_fd(int sock)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	memset(&u, 0, sizeof(u));
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1) {
		errno = errno ? errno : EPIPE;
		return -1;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * Whether the loaded relq.ko is the test build: it declares itself a test
 * module, which taints the kernel 'N' (/sys/module/relq/taint). -1 if
 * the module's taint cannot be read.
 */
static inline int relq_module_is_test_build(void)
{
	char taint[32] = "";
	FILE *f = fopen("/sys/module/relq/taint", "re");

	if (!f)
		return -1;
	if (!fgets(taint, sizeof(taint), f))
		taint[0] = '\0';
	fclose(f);
	return !!strchr(taint, 'N');
}

/* Write @val to tracefs file @file; 0 or an errno. */
static inline int relq_tracefs_write(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), RELQ_TRACEFS "/%s", file);
	return relq_write_file(path, val);
}

/* Lines of the trace buffer that contain @needle. */
static inline int relq_trace_count(const char *needle)
{
	static char buf[1 << 20];
	size_t len = 0;
	const char *p;
	ssize_t n;
	int fd, count = 0;

	fd = open(RELQ_TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, needle)); p++)
		count++;
	return count;
}

static inline void relq_ignore_signal(int sig)
{
	(void)sig;
}

/*
 * Make @sig interrupt blocking system calls (a handler that does nothing,
 * no SA_RESTART), so a test sees EINTR.
 */
static inline void relq_signal_interrupts(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relq_ignore_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Drop every capability and check that none is left; 0 or an errno. */
static inline int relq_drop_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int i;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		return errno;
	if (syscall(SYS_capget, &hdr, data))
		return errno;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		if (data[i].effective || data[i].permitted) {
			errno = EPERM;
			return errno;
		}
	}
	return 0;
}

/* The commands a channel fd accepts (the ENOTTY sweeps skip them). */
static inline int relq_is_channel_cmd(unsigned long cmd)
{
	return cmd == RELQ_IOC_INFO || cmd == RELQ_IOC_LINK ||
	       cmd == RELQ_IOC_UNLINK || cmd == RELQ_IOC_DRAIN;
}

/* LINK the channel of @upper to the channel behind @lower; 0 or an errno. */
static inline int relq_link(int upper, int lower)
{
	struct relq_link l;

	memset(&l, 0, sizeof(l));
	l.fd = lower;
	return relq_err(ioctl(upper, RELQ_IOC_LINK, &l));
}

/* UNLINK the channel of @upper; 0 or an errno. */
static inline int relq_unlink(int upper)
{
	return relq_err(ioctl(upper, RELQ_IOC_UNLINK, 0));
}

/* relq's debugfs counters (-1 where the file lacks a line). */
struct relq_counters {
	long long open_files;
	long long live_channels;
	long long queued_messages;
	long long waiting_tasks;
	long long pended_requests;
	long long channel_objects;
};

/*
 * Read RELQ_COUNTERS_PATH ("open_files N", "live_channels N",
 * "queued_messages N", "waiting_tasks N", "pended_requests N",
 * "channel_objects N", one a line); 0 or an errno
 * (ENOENT without debugfs or without relq's directory, EINVAL for a line
 * missing).
 */
static inline int relq_counters_read(struct relq_counters *c)
{
	/*
	 * One fd per process, read with pread() at offset 0, which makes the
	 * seq_file show the counters afresh: tests poll these in tight loops.
	 * A child opens its own (as whoever it is by then); a stale fd (the
	 * module was reloaded) is opened again.
	 */
	static int fd = -1;
	static pid_t owner;
	char buf[512], key[32], *line;
	long long v;
	ssize_t n = -1;
	int tries;

	c->open_files = -1;
	c->live_channels = -1;
	c->queued_messages = -1;
	c->waiting_tasks = -1;
	c->pended_requests = -1;
	c->channel_objects = -1;
	for (tries = 0; tries < 2 && n < 0; tries++) {
		if (fd < 0 || owner != getpid() || tries) {
			if (fd >= 0 && owner == getpid())
				close(fd);
			fd = open(RELQ_COUNTERS_PATH, O_RDONLY | O_CLOEXEC);
			owner = getpid();
			if (fd < 0)
				return errno;
		}
		n = pread(fd, buf, sizeof(buf) - 1, 0);
	}
	if (n < 0)
		return errno;
	buf[n] = '\0';
	for (line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (sscanf(line, "%31s %lld", key, &v) != 2)
			continue;
		if (!strcmp(key, "open_files"))
			c->open_files = v;
		else if (!strcmp(key, "live_channels"))
			c->live_channels = v;
		else if (!strcmp(key, "queued_messages"))
			c->queued_messages = v;
		else if (!strcmp(key, "waiting_tasks"))
			c->waiting_tasks = v;
		else if (!strcmp(key, "pended_requests"))
			c->pended_requests = v;
		else if (!strcmp(key, "channel_objects"))
			c->channel_objects = v;
	}
	if (c->open_files < 0 || c->live_channels < 0 ||
	    c->queued_messages < 0 || c->waiting_tasks < 0 ||
	    c->pended_requests < 0 || c->channel_objects < 0) {
		errno = EINVAL;
		return errno;
	}
	return 0;
}

/* waiting_tasks from relq's debugfs counters, or -1 if unreadable. */
static inline long long relq_waiting_tasks(void)
{
	struct relq_counters c;

	return relq_counters_read(&c) ? -1 : c.waiting_tasks;
}

/*
 * Wait (at most 10 s) until exactly @n tasks sleep in relq's waits; 0, or
 * ETIMEDOUT, or ENOENT when the counters cannot be read.
 */
static inline int relq_wait_for_waiters(long long n)
{
	long long end = relq_now_ms() + 10000, w;

	do {
		w = relq_waiting_tasks();
		if (w < 0) {
			errno = ENOENT;
			return errno;
		}
		if (w == n)
			return 0;
		usleep(200);
	} while (relq_now_ms() < end);
	errno = ETIMEDOUT;
	return errno;
}

/* pended_requests from relq's debugfs counters, or -1 if unreadable. */
static inline long long relq_pended_requests(void)
{
	struct relq_counters c;

	return relq_counters_read(&c) ? -1 : c.pended_requests;
}

/* channel_objects from relq's debugfs counters, or -1 if unreadable. */
static inline long long relq_channel_objects(void)
{
	struct relq_counters c;

	return relq_counters_read(&c) ? -1 : c.channel_objects;
}

/* open_files from relq's debugfs counters, or -1 if unreadable. */
static inline long long relq_open_files(void)
{
	struct relq_counters c;

	return relq_counters_read(&c) ? -1 : c.open_files;
}

#endif /* _RELQ_TEST_H */
