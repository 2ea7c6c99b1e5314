// SPDX-License-Identifier: GPL-2.0
/*
 * relq_fuzz: relq's own fuzzer (T-DV-4). Random valid and invalid
 * operations on the control node and on channels, driven by a logged
 * seed so that a failure replays:
 *
 *	relq_fuzz [-s SEED] [-t SECONDS] [-p PROCS]
 *
 * Each of PROCS processes runs its own PRNG stream (SEED + index) over a
 * small pool of channel names, so creates, destroys, opens, reads,
 * writes, ioctls (real commands with random sizes and arguments, and
 * random command numbers), LINKs with random fds, mmaps, polls and RECVs
 * through io_uring (where liburing is built in; a ring torn down now and
 * then cancels what it left pended) collide with each other. A 20 ms
 * interval timer without SA_RESTART interrupts blocking calls, so the
 * signal paths are fuzzed too.
 *
 * The fuzzer checks what it can check from user space: a read never
 * returns more than asked, INFO never reports more than its size. The
 * kernel's detectors check the rest; make verify scans the log and runs
 * the health check (T-DV-5) afterwards. Exit status: 0, or 1 with the
 * seed of the process that saw a broken invariant.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/relq.h>
#ifdef RELQ_LIBURING
#include <liburing.h>
#endif

#define NAMES		6
#define FDS		16
#define BUF_SIZE	(128 * 1024)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct fuzz {
	__u64 rng;
	int fds[FDS];			/* -1 where empty */
	unsigned char *buf;		/* BUF_SIZE read-write bytes */
	unsigned char *ro;		/* a read-only page */
	unsigned char *edge;		/* the last bytes before a PROT_NONE page */
	unsigned long calls;
	unsigned long sink;		/* bytes read from mappings */
#ifdef RELQ_LIBURING
	struct io_uring ring;
	bool have_ring;
	unsigned int inflight;		/* RECVs submitted, not reaped */
	unsigned long recvs;
#endif
};

static const char *const names[NAMES] = {
	"fz0", "fz1", "fz2", "fz3", "fz.dot", "fz-dash",
};

/* splitmix64: one PRNG stream per process, replayable from the seed. */
static __u64 rnd(struct fuzz *f)
{
	__u64 z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(struct fuzz *f, unsigned int n)
{
	return rnd(f) % n;
}

static bool chance(struct fuzz *f, unsigned int percent)
{
	return below(f, 100) < percent;
}

/* A size: mostly small or around the interesting edges, sometimes wild. */
static size_t rnd_size(struct fuzz *f, size_t max)
{
	static const size_t edge[] = { 0, 1, 3, 4, 7, 8, 40, 56, 80, 96, 255,
				       256, 257, 4095, 4096, 4097, 65536 };

	switch (below(f, 4)) {
	case 0:
		return edge[below(f, ARRAY_SIZE(edge))] % (max + 1);
	case 1:
		return below(f, 512) % (max + 1);
	default:
		return rnd(f) % (max + 1);
	}
}

/* A user pointer: valid, NULL, read-only, at a page edge, or garbage. */
static void *rnd_ptr(struct fuzz *f, size_t len)
{
	switch (below(f, 10)) {
	case 0:
		return NULL;
	case 1:
		return f->ro;
	case 2:
		return f->edge + 64 - (len < 64 ? len : 64) + below(f, 8);
	case 3:
		return (void *)(uintptr_t)rnd(f);
	default:
		return f->buf + below(f, 64);
	}
}

static int rnd_fd(struct fuzz *f)
{
	switch (below(f, 12)) {
	case 0:
		return -1;
	case 1:
		return 3 + (int)below(f, 1021);	/* never stdio */
	default:
		return f->fds[below(f, FDS)];
	}
}

static void put_fd(struct fuzz *f, int fd)
{
	unsigned int i = below(f, FDS);

	if (fd < 0)
		return;
	if (f->fds[i] >= 0)
		close(f->fds[i]);
	f->fds[i] = fd;
}

/* Random bytes, or zeroes with a name in it (a plausible argument). */
static void fill_arg(struct fuzz *f, void *p, size_t len)
{
	unsigned char *b = p;
	size_t i;

	if (chance(f, 50)) {
		for (i = 0; i < len; i++)
			b[i] = rnd(f);
		return;
	}
	memset(b, 0, len);
	if (len >= RELQ_NAME_LEN)
		snprintf(p, RELQ_NAME_LEN, "%s", names[below(f, NAMES)]);
}

static void op_open(struct fuzz *f)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int flags = modes[below(f, 3)] | O_CLOEXEC;
	char path[64];

	if (chance(f, 50))
		flags |= O_NONBLOCK;
	if (chance(f, 25))
		snprintf(path, sizeof(path), "/dev/relq-control");
	else
		snprintf(path, sizeof(path), "/dev/relq/%s", names[below(f, NAMES)]);
	put_fd(f, open(path, flags));
}

static void op_create(struct fuzz *f, int fd)
{
	struct relq_create c;

	fill_arg(f, &c, sizeof(c));
	if (chance(f, 70)) {
		snprintf(c.name, sizeof(c.name), "%s", names[below(f, NAMES)]);
		c.capacity = rnd_size(f, 1 << 20);
		c.max_msg = rnd_size(f, 8192);
		c.flags = chance(f, 90) ? 0 : rnd(f);
		c.uid = chance(f, 80) ? 0 : rnd(f);
		c.gid = chance(f, 80) ? 0 : rnd(f);
		c.mode = chance(f, 80) ? 0600 : rnd(f);
		memset(c.reserved, 0, sizeof(c.reserved));
	}
	ioctl(fd, RELQ_IOC_CREATE, chance(f, 90) ? (void *)&c : rnd_ptr(f, sizeof(c)));
}

static void op_destroy(struct fuzz *f, int fd)
{
	struct relq_destroy d;

	fill_arg(f, &d, sizeof(d));
	if (chance(f, 70)) {
		memset(&d, 0, sizeof(d));
		snprintf(d.name, sizeof(d.name), "%s", names[below(f, NAMES)]);
	}
	ioctl(fd, RELQ_IOC_DESTROY, chance(f, 90) ? (void *)&d : rnd_ptr(f, sizeof(d)));
}

static void op_list(struct fuzz *f, int fd)
{
	struct relq_list l;
	size_t cap = rnd_size(f, 64);

	fill_arg(f, &l, sizeof(l));
	if (chance(f, 70)) {
		memset(&l, 0, sizeof(l));
		l.capacity = cap;
		l.entries = (uintptr_t)rnd_ptr(f, cap * sizeof(struct relq_list_entry));
	}
	ioctl(fd, RELQ_IOC_LIST, chance(f, 90) ? (void *)&l : rnd_ptr(f, sizeof(l)));
}

/* INFO is size-first: a random size field, buffer and pointer. */
static bool op_info(struct fuzz *f, int fd)
{
	__u32 size = chance(f, 50) ? sizeof(struct relq_info) : rnd_size(f, 300);
	unsigned char *p = f->buf + 4096;

	fill_arg(f, p, 512);
	memset(p + size, 0x5a, 64);
	memcpy(p, &size, sizeof(size));
	if (chance(f, 10))
		return true;
	if (ioctl(fd, RELQ_IOC_INFO, chance(f, 90) ? (void *)p : rnd_ptr(f, size)))
		return true;
	/* It never writes past the size the caller gave. */
	return p[size] == 0x5a && p[size + 63] == 0x5a;
}

static void op_link(struct fuzz *f, int fd)
{
	struct relq_link l;

	fill_arg(f, &l, sizeof(l));
	if (chance(f, 70)) {
		memset(&l, 0, sizeof(l));
		l.fd = rnd_fd(f);
	}
	ioctl(fd, RELQ_IOC_LINK, chance(f, 90) ? (void *)&l : rnd_ptr(f, sizeof(l)));
}

/* A random command: relq's magic with any number, size and direction. */
static void op_ioctl_random(struct fuzz *f, int fd)
{
	unsigned long cmd = rnd(f);

	if (chance(f, 70))
		cmd = _IOC(below(f, 4), RELQ_IOC_MAGIC, below(f, 0x50), below(f, 256));
	ioctl(fd, cmd, rnd_ptr(f, 256));
}

static bool op_ioctl(struct fuzz *f)
{
	int fd = rnd_fd(f);
	int n = 0;

	switch (below(f, 10)) {
	case 0:
		op_create(f, fd);
		break;
	case 1:
		op_destroy(f, fd);
		break;
	case 2:
		op_list(f, fd);
		break;
	case 3:
		return op_info(f, fd);
	case 4:
		op_link(f, fd);
		break;
	case 5:
		ioctl(fd, RELQ_IOC_UNLINK, 0);
		break;
	case 6:
		ioctl(fd, RELQ_IOC_DRAIN, rnd_ptr(f, 8));
		break;
	case 7:
		ioctl(fd, FIONREAD, chance(f, 80) ? (void *)&n : rnd_ptr(f, 4));
		break;
	default:
		op_ioctl_random(f, fd);
		break;
	}
	return true;
}

/* read and readv: never more bytes than asked for. */
static bool op_read(struct fuzz *f)
{
	size_t len = rnd_size(f, BUF_SIZE - 64);
	struct iovec iov[3];
	ssize_t n;
	int fd = rnd_fd(f);

	if (chance(f, 70)) {
		n = read(fd, rnd_ptr(f, len), len);
		return n <= (ssize_t)len;
	}
	iov[0].iov_base = f->buf;
	iov[0].iov_len = rnd_size(f, 64);
	iov[1].iov_base = rnd_ptr(f, 64);
	iov[1].iov_len = rnd_size(f, 64);
	iov[2].iov_base = f->buf + 8192;
	iov[2].iov_len = rnd_size(f, 8192);
	n = readv(fd, iov, 1 + below(f, 3));
	return n <= (ssize_t)(iov[0].iov_len + iov[1].iov_len + iov[2].iov_len);
}

static void op_write(struct fuzz *f)
{
	size_t len = rnd_size(f, BUF_SIZE - 64);
	struct iovec iov[2];
	int fd = rnd_fd(f);

	if (chance(f, 70)) {
		write(fd, rnd_ptr(f, len), len);
		return;
	}
	iov[0].iov_base = f->buf;
	iov[0].iov_len = rnd_size(f, 128);
	iov[1].iov_base = rnd_ptr(f, 64);
	iov[1].iov_len = rnd_size(f, 4096);
	writev(fd, iov, 1 + below(f, 2));
}

static void op_mmap(struct fuzz *f)
{
	static const int prots[] = { PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_NONE };
	size_t len = 4096 * (1 + below(f, 3));
	off_t off = chance(f, 80) ? 0 : 4096 * (off_t)below(f, 4);
	void *p;

	p = mmap(NULL, len, prots[below(f, 5)], chance(f, 80) ? MAP_SHARED : MAP_PRIVATE,
		 rnd_fd(f), off);
	if (p == MAP_FAILED)
		return;
	/* Touch it (a read-only status page), maybe try to widen it. */
	if (chance(f, 50))
		f->sink += *(unsigned char *)p;
	if (chance(f, 20))
		mprotect(p, len, PROT_READ | PROT_WRITE);
	if (chance(f, 20)) {
		void *q = mremap(p, len, len * 2, MREMAP_MAYMOVE);

		if (q != MAP_FAILED) {
			p = q;
			len *= 2;
		}
	}
	/* Exactly what is mapped: more would unmap a neighbour (the ring). */
	munmap(p, len);
}

static void op_poll(struct fuzz *f)
{
	struct pollfd pfd[2] = {
		{ .fd = rnd_fd(f), .events = POLLIN | POLLOUT },
		{ .fd = rnd_fd(f), .events = (short)rnd(f) },
	};

	poll(pfd, 1 + below(f, 2), below(f, 3) * 10);
}

#ifdef RELQ_LIBURING
#define RING_ENTRIES	32

/*
 * RECV through io_uring: a random fd, buffer, length and flags word, now
 * and then a random command number. A completion never reports more
 * bytes than its RECV asked for. One time in 20 (or when the ring is
 * full) the ring is torn down with whatever it has pended.
 */
static bool op_recv(struct fuzz *f)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct relq_recv *rc;
	__u64 len;

	if (f->have_ring && (chance(f, 5) || f->inflight >= RING_ENTRIES)) {
		io_uring_queue_exit(&f->ring);
		f->have_ring = false;
	}
	if (!f->have_ring) {
		if (io_uring_queue_init(RING_ENTRIES, &f->ring, 0))
			return true;	/* no io_uring: nothing to fuzz */
		f->have_ring = true;
		f->inflight = 0;
	}
	sqe = io_uring_get_sqe(&f->ring);
	if (sqe) {
		len = rnd_size(f, BUF_SIZE - 64);
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, rnd_fd(f), NULL, 0, 0);
		sqe->cmd_op = chance(f, 90) ? RELQ_URING_RECV : (__u32)rnd(f);
		rc = (struct relq_recv *)sqe->cmd;
		rc->addr = (uintptr_t)rnd_ptr(f, len);
		rc->len = chance(f, 95) ? len : (__u32)rnd(f);
		sqe->user_data = rc->len;
		rc->flags = chance(f, 90) ? 0 : (__u32)rnd(f);
		if (io_uring_submit(&f->ring) == 1)
			f->inflight++;
		f->recvs++;
	}
	while (!io_uring_peek_cqe(&f->ring, &cqe)) {
		if (cqe->res > 0 && (__u64)cqe->res > cqe->user_data)
			return false;
		io_uring_cqe_seen(&f->ring, cqe);
		f->inflight--;
	}
	return true;
}
#endif

/* One random operation; false when an invariant broke. */
static bool step(struct fuzz *f)
{
	int i;

	f->calls++;
	switch (below(f, 20)) {
	case 0 ... 2:
		op_open(f);
		return true;
	case 3:
		i = below(f, FDS);
		if (f->fds[i] >= 0)
			close(f->fds[i]);
		f->fds[i] = -1;
		return true;
	case 4:
		put_fd(f, dup(rnd_fd(f)));
		return true;
	case 5 ... 10:
		return op_ioctl(f);
	case 11 ... 13:
		return op_read(f);
	case 14 ... 16:
		op_write(f);
		return true;
	case 17:
		op_mmap(f);
		return true;
#ifdef RELQ_LIBURING
	case 18:
		return op_recv(f);
#endif
	default:
		op_poll(f);
		return true;
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int fuzz_proc(__u64 seed, unsigned int seconds)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	time_t end = time(NULL) + seconds;
	struct fuzz f = { .rng = seed };
	unsigned char *pages;
	int i;

	pages = mmap(NULL, BUF_SIZE + 3 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return 2;
	f.buf = pages;
	f.ro = pages + BUF_SIZE;
	f.edge = pages + BUF_SIZE + 4096 - 64;
	mprotect(f.ro, 4096, PROT_READ);
	mprotect(pages + BUF_SIZE + 4096, 4096, PROT_NONE);
	for (i = 0; i < FDS; i++)
		f.fds[i] = -1;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);

	while (time(NULL) < end) {
		if (!step(&f)) {
			printf("relq_fuzz: invariant broken at call %lu (seed %llu)\n",
			       f.calls, (unsigned long long)seed);
			fflush(stdout);
			return 1;
		}
	}
#ifdef RELQ_LIBURING
	if (f.have_ring)
		io_uring_queue_exit(&f.ring);
	printf("relq_fuzz: seed %llu: %lu RECVs\n", (unsigned long long)seed, f.recvs);
#endif
	printf("relq_fuzz: seed %llu: %lu calls, status-page byte sum %lu\n",
	       (unsigned long long)seed, f.calls, f.sink);
	fflush(stdout);	/* the caller leaves with _exit() */
	return 0;
}

int main(int argc, char **argv)
{
	__u64 seed = (__u64)time(NULL);
	unsigned int seconds = 30, procs = 2, i, failed = 0;
	int opt, status;

	while ((opt = getopt(argc, argv, "s:t:p:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			procs = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: relq_fuzz [-s SEED] [-t SECONDS] [-p PROCS]\n");
			return 2;
		}
	}
	printf("relq_fuzz: seed %llu, %u processes, %u s (replay: relq_fuzz -s %llu -p %u)\n",
	       (unsigned long long)seed, procs, seconds, (unsigned long long)seed, procs);
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (!pid)
			_exit(fuzz_proc(seed + i, seconds));
	}
	for (i = 0; i < procs; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	printf("relq_fuzz: %u of %u processes failed\n", failed, procs);
	return failed ? 1 : 0;
}
