// SPDX-License-Identifier: GPL-2.0
/*
 * relq_bench: compare relq channels with pipe(2), AF_UNIX SOCK_SEQPACKET,
 * POSIX message queues and write(2) to /dev/null (the syscall floor).
 *
 *	relq_bench [-r REPS] [-d MS] [-s SIZES] [-q BYTES] [-w WORKLOADS]
 *		   [-m MECHANISMS] [-a ACCEL] [-S] -o FILE
 *
 * Workloads (-w, comma separated, default all):
 *
 *	tp	one producer and one consumer thread, pinned to vCPU 0 and 1
 *		("cross") and both to vCPU 0 ("same"): messages/s and MB/s
 *		for each size in -s
 *	pp	ping-pong over two queues with blocking wake-ups: round-trip
 *		p50/p99, threads on different vCPUs and on the same vCPU
 *	scale	1 and 2 independent producer/consumer pairs, pair k pinned
 *		to vCPU k: aggregate messages/s of 64-byte messages
 *	mem	kernel memory per idle relq channel and per queued message
 *		(slab and free-page deltas; needs root)
 *
 * Every measurement is repeated -r times; each repetition rotates the
 * order of the mechanisms. -m limits the mechanisms; -S runs a SCHED_IDLE
 * spinner on every vCPU during the timed workloads (see spinners_start()).
 * Raw per-repetition numbers go to the JSON file (-o);
 * scripts/bench_report.py computes medians, spreads and ratios.
 * Must run as root with relq loaded (it creates channels through
 * /dev/relq-control).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <linux/relq.h>

#define RELQ_CONTROL	"/dev/relq-control"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_SIZES	8
#define MAX_PAIRS	2
#define MAX_CACHES	512
#define PP_MAX_SAMPLES	1048576
#define PP_MIN_SAMPLES	200
#define PP_WARMUP	20
#define MQ_HARD_MAXMSG	65536
#define MEM_CHANNELS	200
#define MEM_MSGS	8000
#define MEM_MSG_SIZE	64

enum mech {
	M_RELQ,
	M_PIPE,
	M_SEQPACKET,
	M_MQUEUE,
	M_NULL,
	NR_MECH,
};

static const char * const mech_name[NR_MECH] = {
	[M_RELQ] = "relq",
	[M_PIPE] = "pipe",
	[M_SEQPACKET] = "seqpacket",
	[M_MQUEUE] = "mqueue",
	[M_NULL] = "null",
};

/* One direction of one mechanism: write to wfd, read from rfd. */
struct endpoint {
	enum mech mech;
	int wfd;
	int rfd;
	size_t msg;
	size_t rbuf;
	char name[RELQ_NAME_LEN];
};

struct config {
	unsigned int reps;
	unsigned int duration_ms;
	size_t sizes[MAX_SIZES];
	unsigned int nr_sizes;
	size_t qbytes;
	const char *out;
	const char *accel;
	bool do_tp, do_pp, do_scale, do_mem;
	bool spinners;
	unsigned int mechs;	/* bit mask of enum mech to run */
};

static struct config cfg = {
	.reps = 5,
	.duration_ms = 300,
	.sizes = { 64, 1024, 4096, 65536 },
	.nr_sizes = 4,
	.qbytes = 256 * 1024,
	.accel = "unknown",
	.spinners = false,
	.mechs = (1U << NR_MECH) - 1,
};

static int ctl_fd = -1;
static unsigned int name_seq;
static int ncpus;
static FILE *json;
static bool json_first;		/* no element yet in the open array */
static bool json_first_field;	/* no field yet in the open object */

static void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	fprintf(stderr, "relq_bench: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", strerror(err));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(%d)", cpu);
}

/*
 * Message buffers are page aligned: under TCG, 64 KiB copies from
 * buffers that were only cache-line aligned ran at two distinct speeds
 * from one run to the next (an emulator artefact), page-aligned ones do not.
 */
static void *xalloc(size_t len)
{
	void *p = aligned_alloc(4096, (len + 4095) & ~(size_t)4095);

	if (!p)
		die("out of memory");
	memset(p, 0x5a, len);
	return p;
}

/* Messages of @msg bytes that a queue of @qbytes should hold, at least 2. */
static size_t queue_msgs(size_t msg, size_t qbytes)
{
	size_t n = qbytes / msg;

	return n < 2 ? 2 : n;
}

static unsigned long read_ulong(const char *path)
{
	unsigned long v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* ---- the mechanisms ---------------------------------------------------- */

/* Copy a channel name into a zeroed uapi name field, truncating it. */
static void set_name(char *field, const char *name)
{
	memcpy(field, name, strnlen(name, RELQ_NAME_LEN - 1));
}

static int relq_create(const char *name, __u64 capacity, uint32_t max_msg)
{
	struct relq_create c;

	memset(&c, 0, sizeof(c));
	set_name(c.name, name);
	c.capacity = capacity;
	c.max_msg = max_msg;
	return ioctl(ctl_fd, RELQ_IOC_CREATE, &c);
}

static void relq_destroy(const char *name)
{
	struct relq_destroy d;

	memset(&d, 0, sizeof(d));
	set_name(d.name, name);
	if (ioctl(ctl_fd, RELQ_IOC_DESTROY, &d))
		die("RELQ_IOC_DESTROY %s", name);
}

/* Bytes a relq ring needs per message of @len bytes (header, padding). */
static size_t relq_rec(size_t len)
{
	return 4 + ((len + 3) & ~(size_t)3);
}

/*
 * Open one direction of mechanism @m for messages of @msg bytes, sized to hold
 * @nmsg of them. Returns 0, or -1 with a reason in @why (the size is
 * skipped for that mechanism).
 */
static int ep_open(struct endpoint *ep, enum mech m, size_t msg,
		   size_t nmsg, char *why, size_t whylen)
{
	char path[64];
	int sv[2], p[2];

	memset(ep, 0, sizeof(*ep));
	ep->mech = m;
	ep->msg = msg;
	ep->rbuf = msg;
	ep->wfd = -1;
	ep->rfd = -1;
	switch (m) {
	case M_RELQ: {
		__u64 cap = nmsg * relq_rec(msg);

		snprintf(ep->name, sizeof(ep->name), "bench%u", name_seq++);
		if (relq_create(ep->name, cap, msg)) {
			snprintf(why, whylen,
				 "RELQ_IOC_CREATE capacity %llu max_msg %zu: %s (module max_capacity %lu, max_msg_size %lu)",
				 (unsigned long long)cap, msg, strerror(errno),
				 read_ulong("/sys/module/relq/parameters/max_capacity"),
				 read_ulong("/sys/module/relq/parameters/max_msg_size"));
			return -1;
		}
		snprintf(path, sizeof(path), "/dev/relq/%s", ep->name);
		ep->wfd = open(path, O_WRONLY | O_CLOEXEC);
		ep->rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (ep->wfd < 0 || ep->rfd < 0)
			die("open %s", path);
		return 0;
	}
	case M_PIPE:
		if (pipe2(p, O_CLOEXEC))
			die("pipe2");
		ep->rfd = p[0];
		ep->wfd = p[1];
		if (fcntl(ep->wfd, F_SETPIPE_SZ, (int)(nmsg * msg)) < 0) {
			snprintf(why, whylen, "F_SETPIPE_SZ %zu: %s", nmsg * msg,
				 strerror(errno));
			close(p[0]);
			close(p[1]);
			return -1;
		}
		return 0;
	case M_SEQPACKET: {
		/* Unix sockets charge each skb's truesize to the sender. */
		int sndbuf = (int)(nmsg * (msg + 1024));

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			die("socketpair");
		ep->wfd = sv[0];
		ep->rfd = sv[1];
		if (setsockopt(ep->wfd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
			       sizeof(sndbuf)) &&
		    setsockopt(ep->wfd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			       sizeof(sndbuf)))
			die("SO_SNDBUF");
		return 0;
	}
	case M_MQUEUE: {
		struct mq_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.mq_maxmsg = nmsg > MQ_HARD_MAXMSG ? MQ_HARD_MAXMSG : nmsg;
		attr.mq_msgsize = msg;
		snprintf(ep->name, sizeof(ep->name), "/relq_bench_%u",
			 name_seq++);
		ep->wfd = mq_open(ep->name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC,
				  0600, &attr);
		if (ep->wfd < 0) {
			snprintf(why, whylen,
				 "mq_open maxmsg %ld msgsize %zu: %s (fs.mqueue.msgsize_max %lu, msg_max %lu)",
				 attr.mq_maxmsg, msg, strerror(errno),
				 read_ulong("/proc/sys/fs/mqueue/msgsize_max"),
				 read_ulong("/proc/sys/fs/mqueue/msg_max"));
			return -1;
		}
		mq_unlink(ep->name);
		ep->rfd = ep->wfd;
		return 0;
	}
	case M_NULL:
		ep->wfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (ep->wfd < 0)
			die("open /dev/null");
		return 0;
	default:
		break;
	}
	snprintf(why, whylen, "unknown mechanism");
	return -1;
}

static void ep_close(struct endpoint *ep)
{
	if (ep->rfd >= 0 && ep->rfd != ep->wfd)
		close(ep->rfd);
	if (ep->wfd >= 0)
		close(ep->wfd);
	if (ep->mech == M_RELQ)
		relq_destroy(ep->name);
	ep->wfd = -1;
	ep->rfd = -1;
}

/* Send one message; 0, or -1 with errno set. */
static int ep_send(const struct endpoint *ep, const char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	switch (ep->mech) {
	case M_MQUEUE:
		return mq_send(ep->wfd, buf, len, 0);
	case M_PIPE:
		/* A byte stream: a large message may go in pieces. */
		while (done < len) {
			n = write(ep->wfd, buf + done, len - done);
			if (n <= 0)
				return -1;
			done += n;
		}
		return 0;
	default:
		n = write(ep->wfd, buf, len);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			errno = EIO;
		return -1;
	}
}

/* Receive one whole message of @len bytes into @buf (at least ep->rbuf). */
static int ep_recv(const struct endpoint *ep, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	switch (ep->mech) {
	case M_MQUEUE:
		n = mq_receive(ep->rfd, buf, ep->rbuf, NULL);
		break;
	case M_PIPE:
		/* The reader reassembles the message from the stream. */
		while (done < len) {
			n = read(ep->rfd, buf + done, len - done);
			if (n <= 0)
				return -1;
			done += n;
		}
		return 0;
	default:
		n = read(ep->rfd, buf, len);
		break;
	}
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* ---- JSON output -------------------------------------------------------- */

static void json_sep(void)
{
	if (!json_first)
		fputs(",\n", json);
	json_first = false;
}

/* Open a top-level array field; its elements are objects. */
static void json_open_array(const char *key)
{
	fprintf(json, ",\n\"%s\": [\n", key);
	json_first = true;
}

static void json_close_array(void)
{
	fputs("\n]", json);
	json_first_field = false;
}

/* Strings we write never hold quotes or backslashes, but be safe. */
static void json_str(const char *s)
{
	fputc('"', json);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', json);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, json);
	}
	fputc('"', json);
}

static void jkey(const char *key)
{
	fprintf(json, "%s\"%s\": ", json_first_field ? "" : ", ", key);
	json_first_field = false;
}

/* Open an object: an array element (@key NULL) or a field of an object. */
static void jobj(const char *key)
{
	if (key)
		jkey(key);
	else
		json_sep();
	fputc('{', json);
	json_first_field = true;
}

static void jend(void)
{
	fputc('}', json);
	json_first_field = false;
}

static void jstr(const char *key, const char *val)
{
	jkey(key);
	json_str(val);
}

static void jint(const char *key, long long val)
{
	jkey(key);
	fprintf(json, "%lld", val);
}

static void jdbl(const char *key, double val)
{
	jkey(key);
	fprintf(json, "%.3f", val);
}

/* ---- idle spinners ------------------------------------------------------ */

/*
 * Under TCG a halted vCPU sometimes notices a wake-up IPI only at its
 * next timer tick (4 ms at HZ=250), which swamps any mechanism's cost.
 * With -S, one SCHED_IDLE spinner per vCPU keeps every vCPU running, so
 * a wake-up is an IPI to a running vCPU and the woken thread preempts the
 * spinner at once (SCHED_IDLE always yields to normal threads). It is off
 * by default: it keeps both of QEMU's vCPU threads busy, and on a shared
 * two-core host that cost more than it saved.
 */
static atomic_int spin_stop;
static pthread_t spinner_threads[CPU_SETSIZE];

static void *spinner(void *arg)
{
	struct sched_param sp = { 0 };

	pin_to((int)(long)arg);
	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp))
		die("SCHED_IDLE");
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		__builtin_ia32_pause();
	return NULL;
}

static void spinners_start(void)
{
	long cpu;

	if (!cfg.spinners)
		return;
	atomic_store(&spin_stop, 0);
	for (cpu = 0; cpu < ncpus; cpu++)
		pthread_create(&spinner_threads[cpu], NULL, spinner, (void *)cpu);
}

static void spinners_stop(void)
{
	int cpu;

	if (!cfg.spinners)
		return;
	atomic_store(&spin_stop, 1);
	for (cpu = 0; cpu < ncpus; cpu++)
		pthread_join(spinner_threads[cpu], NULL);
}

/* ---- workload 1 and 3: producer/consumer throughput ------------------- */

static atomic_int stop_flag;
static pthread_barrier_t start_bar;

struct pc_pair {
	struct endpoint ep;
	int prod_cpu;
	int cons_cpu;
	pthread_t prod;
	pthread_t cons;
	unsigned long long count;
	double t_end;
	long csw;		/* context switches of both threads */
};

/* Voluntary plus involuntary context switches of the calling thread. */
static long thread_csw(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return 0;
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static void *producer(void *arg)
{
	struct pc_pair *p = arg;
	unsigned long long sent = 0;
	char *buf = xalloc(p->ep.msg);
	long csw;

	pin_to(p->prod_cpu);
	buf[0] = 0;
	pthread_barrier_wait(&start_bar);
	csw = thread_csw();
	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		if (ep_send(&p->ep, buf, p->ep.msg))
			die("%s: send", mech_name[p->ep.mech]);
		sent++;
	}
	if (p->ep.mech == M_NULL) {
		p->count = sent;
		p->t_end = now_s();
	} else {
		/* The end marker: the consumer stops at it. */
		buf[0] = 1;
		if (ep_send(&p->ep, buf, p->ep.msg))
			die("%s: send end", mech_name[p->ep.mech]);
	}
	__atomic_add_fetch(&p->csw, thread_csw() - csw, __ATOMIC_RELAXED);
	free(buf);
	return NULL;
}

static void *consumer(void *arg)
{
	struct pc_pair *p = arg;
	unsigned long long got = 0;
	char *buf = xalloc(p->ep.rbuf);
	long csw;

	pin_to(p->cons_cpu);
	pthread_barrier_wait(&start_bar);
	csw = thread_csw();
	for (;;) {
		if (ep_recv(&p->ep, buf, p->ep.msg))
			die("%s: recv", mech_name[p->ep.mech]);
		if (buf[0])
			break;
		got++;
	}
	p->count = got;
	p->t_end = now_s();
	__atomic_add_fetch(&p->csw, thread_csw() - csw, __ATOMIC_RELAXED);
	free(buf);
	return NULL;
}

/*
 * Run @npairs producer/consumer pairs of @m for the configured duration.
 * Returns the aggregate messages/s, or a negative value after a skip.
 */
static double run_pairs(enum mech m, size_t msg, int npairs, bool same_cpu,
			double *csw_per_msg, char *why, size_t whylen)
{
	unsigned long long msgs = 0;
	long csw = 0;
	struct pc_pair pairs[MAX_PAIRS];
	size_t nmsg = queue_msgs(msg, cfg.qbytes);
	int threads = 1, i;
	double t0, rate = 0;

	for (i = 0; i < npairs; i++) {
		if (ep_open(&pairs[i].ep, m, msg, nmsg, why, whylen)) {
			while (i--)
				ep_close(&pairs[i].ep);
			return -1;
		}
		pairs[i].prod_cpu = same_cpu ? i : 0;
		pairs[i].cons_cpu = same_cpu ? i : 1;
		pairs[i].count = 0;
		pairs[i].csw = 0;
		threads += m == M_NULL ? 1 : 2;
	}
	atomic_store(&stop_flag, 0);
	pthread_barrier_init(&start_bar, NULL, threads);
	for (i = 0; i < npairs; i++) {
		pthread_create(&pairs[i].prod, NULL, producer, &pairs[i]);
		if (m != M_NULL)
			pthread_create(&pairs[i].cons, NULL, consumer, &pairs[i]);
	}
	pthread_barrier_wait(&start_bar);
	t0 = now_s();
	usleep(cfg.duration_ms * 1000);
	atomic_store(&stop_flag, 1);
	for (i = 0; i < npairs; i++) {
		pthread_join(pairs[i].prod, NULL);
		if (m != M_NULL)
			pthread_join(pairs[i].cons, NULL);
		rate += pairs[i].count / (pairs[i].t_end - t0);
		msgs += pairs[i].count;
		csw += pairs[i].csw;
		ep_close(&pairs[i].ep);
	}
	pthread_barrier_destroy(&start_bar);
	*csw_per_msg = msgs ? (double)csw / msgs : 0;
	return rate;
}

/* The mechanism at position @i of repetition @rep: the order rotates. */
static enum mech rotated(const enum mech *list, int n, unsigned int rep, int i)
{
	return list[(i + rep) % n];
}

static const char * const placement_name[] = { "cross", "same" };

/*
 * One throughput measurement; @same puts producer and consumer on vCPU 0,
 * else they run on vCPU 0 and 1. A mechanism that cannot carry @msg is
 * recorded once as a skip, with the reason, and never tried again.
 */
static void tp_one(enum mech m, size_t msg, int same, unsigned int rep,
		   int order, bool *skipped)
{
	char why[256];
	double rate, csw;

	if (*skipped)
		return;
	rate = run_pairs(m, msg, 1, same, &csw, why, sizeof(why));
	if (rate < 0) {
		*skipped = true;
		jobj(NULL);
		jstr("mech", mech_name[m]);
		jint("size", msg);
		jstr("skip", why);
		jend();
		printf("tp %-9s %6zu B skipped: %s\n", mech_name[m], msg, why);
		return;
	}
	jobj(NULL);
	jstr("mech", mech_name[m]);
	jint("size", msg);
	jstr("placement", m == M_NULL ? "none" : placement_name[same]);
	jint("rep", rep);
	jint("order", order);
	jdbl("msgs_per_s", rate);
	jdbl("mb_per_s", rate * msg / 1e6);
	jdbl("csw_per_msg", csw);
	jend();
	printf("tp %-9s %6zu B %-5s rep %u: %12.0f msg/s %9.2f MB/s %6.3f csw/msg\n",
	       mech_name[m], msg, m == M_NULL ? "-" : placement_name[same],
	       rep, rate, rate * msg / 1e6, csw);
}

static void workload_tp(void)
{
	static const enum mech list[] = { M_RELQ, M_PIPE, M_SEQPACKET,
					  M_MQUEUE, M_NULL };
	bool skipped[NR_MECH][MAX_SIZES] = { { false } };
	unsigned int rep, s;
	int i, same;

	json_open_array("throughput");
	for (rep = 0; rep < cfg.reps; rep++) {
		for (s = 0; s < cfg.nr_sizes; s++) {
			for (same = 0; same < 2; same++) {
				for (i = 0; i < NR_MECH; i++) {
					enum mech m = rotated(list, NR_MECH,
							      rep, i);

					if (!(cfg.mechs & 1U << m) ||
					    (m == M_NULL && same))
						continue;
					tp_one(m, cfg.sizes[s], same, rep, i,
					       &skipped[m][s]);
				}
			}
		}
	}
	json_close_array();
}

static void workload_scale(void)
{
	static const enum mech list[] = { M_RELQ, M_PIPE, M_SEQPACKET,
					  M_MQUEUE, M_NULL };
	const size_t msg = 64;
	unsigned int rep;
	char why[256];
	double rate, csw;
	int i, k;

	json_open_array("scaling");
	for (rep = 0; rep < cfg.reps; rep++) {
		for (i = 0; i < NR_MECH; i++) {
			enum mech m = rotated(list, NR_MECH, rep, i);

			if (!(cfg.mechs & 1U << m))
				continue;
			for (k = 0; k < 2; k++) {
				/* Alternate which pair count runs first. */
				int npairs = (k ^ (rep & 1)) + 1;

				rate = run_pairs(m, msg, npairs, true, &csw,
						 why, sizeof(why));
				if (rate < 0) {
					printf("scale %s skipped: %s\n",
					       mech_name[m], why);
					continue;
				}
				jobj(NULL);
				jstr("mech", mech_name[m]);
				jint("size", msg);
				jint("pairs", npairs);
				jint("rep", rep);
				jdbl("msgs_per_s", rate);
				jend();
				printf("scale %-9s %d pair(s) rep %u: %12.0f msg/s\n",
				       mech_name[m], npairs, rep, rate);
				fflush(stdout);
			}
		}
	}
	json_close_array();
}

/* ---- workload 2: ping-pong latency ------------------------------------ */

struct pp_run {
	struct endpoint ab;
	struct endpoint ba;
	int cpu_a;
	int cpu_b;
	__u64 *samples;
	size_t n;
};

static void *pp_echo(void *arg)
{
	struct pp_run *r = arg;
	char *buf = xalloc(r->ab.rbuf);

	pin_to(r->cpu_b);
	pthread_barrier_wait(&start_bar);
	for (;;) {
		if (ep_recv(&r->ab, buf, r->ab.msg))
			die("%s: pp recv", mech_name[r->ab.mech]);
		if (buf[0])
			break;
		if (ep_send(&r->ba, buf, r->ba.msg))
			die("%s: pp send", mech_name[r->ba.mech]);
	}
	free(buf);
	return NULL;
}

static void *pp_client(void *arg)
{
	struct pp_run *r = arg;
	char *buf = xalloc(r->ba.rbuf);
	__u64 t;
	int i;

	pin_to(r->cpu_a);
	buf[0] = 0;
	pthread_barrier_wait(&start_bar);
	for (i = 0; i < PP_WARMUP; i++) {
		if (ep_send(&r->ab, buf, r->ab.msg) ||
		    ep_recv(&r->ba, buf, r->ba.msg))
			die("%s: pp warm-up", mech_name[r->ab.mech]);
	}
	/* At least PP_MIN_SAMPLES round trips, however slow they are. */
	while ((r->n < PP_MIN_SAMPLES ||
		!atomic_load_explicit(&stop_flag, memory_order_relaxed)) &&
	       r->n < PP_MAX_SAMPLES) {
		t = now_ns();
		if (ep_send(&r->ab, buf, r->ab.msg) ||
		    ep_recv(&r->ba, buf, r->ba.msg))
			die("%s: pp", mech_name[r->ab.mech]);
		r->samples[r->n++] = now_ns() - t;
	}
	buf[0] = 1;
	if (ep_send(&r->ab, buf, r->ab.msg))
		die("%s: pp end", mech_name[r->ab.mech]);
	free(buf);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static void workload_pp(void)
{
	static const enum mech list[] = { M_RELQ, M_PIPE, M_SEQPACKET,
					  M_MQUEUE };
	const int nm = ARRAY_SIZE(list);
	const size_t msg = 64;
	struct pp_run r;
	pthread_t a, b;
	unsigned int rep;
	__u64 sum, p50, p99;
	char why[256];
	size_t j;
	int i, pl;

	r.samples = malloc(PP_MAX_SAMPLES * sizeof(*r.samples));
	if (!r.samples)
		die("out of memory");
	json_open_array("pingpong");
	for (rep = 0; rep < cfg.reps; rep++) {
		for (pl = 0; pl < 2; pl++) {
			for (i = 0; i < nm; i++) {
				enum mech m = rotated(list, nm, rep, i);

				if (!(cfg.mechs & 1U << m))
					continue;
				if (ep_open(&r.ab, m, msg, 2, why, sizeof(why)))
					die("pp %s: %s", mech_name[m], why);
				if (ep_open(&r.ba, m, msg, 2, why, sizeof(why)))
					die("pp %s: %s", mech_name[m], why);
				r.cpu_a = 0;
				r.cpu_b = pl ? 0 : 1;
				r.n = 0;
				atomic_store(&stop_flag, 0);
				pthread_barrier_init(&start_bar, NULL, 3);
				pthread_create(&a, NULL, pp_client, &r);
				pthread_create(&b, NULL, pp_echo, &r);
				pthread_barrier_wait(&start_bar);
				usleep(cfg.duration_ms * 1000);
				atomic_store(&stop_flag, 1);
				pthread_join(a, NULL);
				pthread_join(b, NULL);
				pthread_barrier_destroy(&start_bar);
				ep_close(&r.ab);
				ep_close(&r.ba);
				if (!r.n)
					die("pp %s: no samples", mech_name[m]);
				for (sum = 0, j = 0; j < r.n; j++)
					sum += r.samples[j];
				qsort(r.samples, r.n, sizeof(*r.samples), cmp_u64);
				p50 = r.samples[r.n / 2];
				p99 = r.samples[r.n * 99 / 100];
				jobj(NULL);
				jstr("mech", mech_name[m]);
				jstr("placement", placement_name[pl]);
				jint("size", msg);
				jint("rep", rep);
				jint("samples", r.n);
				jint("p50_ns", p50);
				jint("p99_ns", p99);
				jdbl("mean_ns", (double)sum / r.n);
				jend();
				printf("pp %-9s %-5s rep %u: p50 %8.1f us p99 %8.1f us (%zu)\n",
				       mech_name[m], placement_name[pl], rep, p50 / 1e3,
				       p99 / 1e3, r.n);
				fflush(stdout);
			}
		}
	}
	json_close_array();
	free(r.samples);
}

/* ---- workload 4: memory ------------------------------------------------ */

struct slab_cache {
	char name[64];
	long objs;		/* active objects */
	long size;		/* bytes per object as laid out (debug included) */
	long object_size;	/* bytes the caller asked for (nominal) */
};

struct mem_snap {
	long memfree_kb;
	long slab_kb;
	long sunreclaim_kb;
	int nr;
	struct slab_cache c[MAX_CACHES];
};

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Take a snapshot of the slab caches and the page counters. The object
 * sizes come from sysfs after the counters are read, so the sysfs dentries
 * this creates (once, in the warm-up snapshot) never land in a delta.
 */
static void snap(struct mem_snap *s)
{
	char line[512], path[128];
	FILE *f;
	int i;

	/* Let deferred frees (RCU, kdevtmpfs, uevents) settle first. */
	usleep(700 * 1000);
	s->memfree_kb = meminfo_kb("MemFree");
	s->slab_kb = meminfo_kb("Slab");
	s->sunreclaim_kb = meminfo_kb("SUnreclaim");
	s->nr = 0;
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die("/proc/slabinfo");
	while (fgets(line, sizeof(line), f) && s->nr < MAX_CACHES) {
		struct slab_cache *c = &s->c[s->nr];
		long num;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %ld %ld", c->name, &c->objs, &num,
			   &c->size) != 4)
			continue;
		s->nr++;
	}
	fclose(f);
	for (i = 0; i < s->nr; i++) {
		struct slab_cache *c = &s->c[i];

		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size",
			 c->name);
		c->object_size = read_ulong(path);
		if (!c->object_size)
			c->object_size = c->size;
	}
}

static const struct slab_cache *find_cache(const struct mem_snap *s,
					   const char *name)
{
	int i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	return NULL;
}

/* Write the deltas a -> b, divided by @n, as one JSON object's fields. */
static void mem_delta(const struct mem_snap *a, const struct mem_snap *b,
		      long n)
{
	long nominal = 0, laid_out = 0;
	bool first = true;
	int i;

	for (i = 0; i < b->nr; i++) {
		const struct slab_cache *cb = &b->c[i];
		const struct slab_cache *ca = find_cache(a, cb->name);
		long d = cb->objs - (ca ? ca->objs : 0);

		nominal += d * cb->object_size;
		laid_out += d * cb->size;
	}
	jint("count", n);
	jdbl("memfree_delta_b", (a->memfree_kb - b->memfree_kb) * 1024.0 / n);
	jdbl("slab_delta_b", (b->slab_kb - a->slab_kb) * 1024.0 / n);
	jdbl("sunreclaim_delta_b",
	     (b->sunreclaim_kb - a->sunreclaim_kb) * 1024.0 / n);
	jdbl("slab_nominal_b", (double)nominal / n);
	jdbl("slab_laid_out_b", (double)laid_out / n);
	jkey("caches");
	fputc('[', json);
	for (i = 0; i < b->nr; i++) {
		const struct slab_cache *cb = &b->c[i];
		const struct slab_cache *ca = find_cache(a, cb->name);
		long d = cb->objs - (ca ? ca->objs : 0);

		/* Only caches that moved by at least 1 object per 4 units. */
		if (labs(d) * 4 < n)
			continue;
		if (!first)
			fputs(", ", json);
		first = false;
		fputc('{', json);
		json_first_field = true;
		jstr("name", cb->name);
		jdbl("objs", (double)d / n);
		jint("object_size", cb->object_size);
		jint("size", cb->size);
		jend();
	}
	fputc(']', json);
	printf("  per unit: MemFree -%.0f B, Slab +%.0f B, slab nominal +%.0f B\n",
	       (a->memfree_kb - b->memfree_kb) * 1024.0 / n,
	       (b->slab_kb - a->slab_kb) * 1024.0 / n, (double)nominal / n);
}

static struct mem_snap snaps[3];

/*
 * kfree_rcu() batches frees for up to 5 s (KFREE_DRAIN_JIFFIES), so a
 * destroyed channel's struct only leaves the slab counts after that.
 */
#define MEM_DRAIN_US	6000000

static void mem_channels(__u64 capacity)
{
	char names[MEM_CHANNELS][RELQ_NAME_LEN];
	int i;

	printf("mem: %d idle relq channels of capacity %llu\n", MEM_CHANNELS,
	       (unsigned long long)capacity);
	snap(&snaps[0]);
	for (i = 0; i < MEM_CHANNELS; i++) {
		snprintf(names[i], sizeof(names[i]), "idle%u", name_seq++);
		if (relq_create(names[i], capacity, capacity))
			die("create %s (insmod max_channels too low?)", names[i]);
	}
	snap(&snaps[1]);
	for (i = 0; i < MEM_CHANNELS; i++)
		relq_destroy(names[i]);
	usleep(MEM_DRAIN_US);
	snap(&snaps[2]);
	jobj(NULL);
	jstr("what", "channel");
	jint("capacity", capacity);
	jint("ring_bytes", ((capacity + 3) & ~3ULL) + 4);
	mem_delta(&snaps[0], &snaps[1], MEM_CHANNELS);
	jobj("after_destroy");
	mem_delta(&snaps[0], &snaps[2], MEM_CHANNELS);
	jend();
	jend();
}

static void mem_messages(enum mech m)
{
	struct endpoint ep;
	char why[256];
	char *buf = xalloc(MEM_MSG_SIZE);
	long sent = 0, i;

	printf("mem: %d queued %d-byte messages in %s\n", MEM_MSGS,
	       MEM_MSG_SIZE, mech_name[m]);
	if (ep_open(&ep, m, MEM_MSG_SIZE, MEM_MSGS, why, sizeof(why)))
		die("mem %s: %s", mech_name[m], why);
	if (fcntl(ep.wfd, F_SETFL, fcntl(ep.wfd, F_GETFL) | O_NONBLOCK))
		die("O_NONBLOCK");
	buf[0] = 0;
	snap(&snaps[0]);
	while (sent < MEM_MSGS && !ep_send(&ep, buf, MEM_MSG_SIZE))
		sent++;
	if (sent < MEM_MSGS)
		printf("  %s took only %ld messages (%s)\n", mech_name[m], sent,
		       strerror(errno));
	snap(&snaps[1]);
	for (i = 0; i < sent; i++)
		if (ep_recv(&ep, buf, MEM_MSG_SIZE))
			die("mem %s: drain", mech_name[m]);
	ep_close(&ep);
	free(buf);
	jobj(NULL);
	jstr("what", "message");
	jstr("mech", mech_name[m]);
	jint("size", MEM_MSG_SIZE);
	mem_delta(&snaps[0], &snaps[1], sent ? sent : 1);
	jend();
}

static void workload_mem(void)
{
	static const enum mech list[] = { M_RELQ, M_PIPE, M_SEQPACKET,
					  M_MQUEUE };
	size_t i;

	json_open_array("memory");
	/* Warm-up: sysfs dentries for the object sizes, earlier frees. */
	snap(&snaps[0]);
	usleep(MEM_DRAIN_US);
	mem_channels(256);
	mem_channels(4096);
	for (i = 0; i < ARRAY_SIZE(list); i++)
		if (cfg.mechs & 1U << list[i])
			mem_messages(list[i]);
	json_close_array();
}

/* ---- main --------------------------------------------------------------- */

static void print_usage(void)
{
	fprintf(stderr,
		"usage: relq_bench [-r REPS] [-d MS] [-s SIZE,...] [-q BYTES]\n"
		"                  [-w tp,pp,scale,mem] [-m relq,pipe,seqpacket,mqueue,null]\n"
		"                  [-a ACCEL] [-S] -o FILE\n"
		"  -S  a SCHED_IDLE spinner per vCPU during the timed workloads\n");
	exit(2);
}

static void parse_workloads(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	cfg.do_tp = false;
	cfg.do_pp = false;
	cfg.do_scale = false;
	cfg.do_mem = false;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "tp"))
			cfg.do_tp = true;
		else if (!strcmp(tok, "pp"))
			cfg.do_pp = true;
		else if (!strcmp(tok, "scale"))
			cfg.do_scale = true;
		else if (!strcmp(tok, "mem"))
			cfg.do_mem = true;
		else
			print_usage();
	}
	free(copy);
}

static void parse_mechs(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int m;

	cfg.mechs = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (m = 0; m < NR_MECH; m++)
			if (!strcmp(tok, mech_name[m]))
				break;
		if (m == NR_MECH)
			print_usage();
		cfg.mechs |= 1U << m;
	}
	free(copy);
}

static void parse_sizes(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	cfg.nr_sizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok && cfg.nr_sizes < MAX_SIZES;
	     tok = strtok_r(NULL, ",", &save)) {
		cfg.sizes[cfg.nr_sizes] = strtoul(tok, NULL, 0);
		if (!cfg.sizes[cfg.nr_sizes])
			print_usage();
		cfg.nr_sizes++;
	}
	free(copy);
}

static void write_meta(void)
{
	struct utsname u;
	char cmdline[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");
	unsigned int i;

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		cmdline[strcspn(cmdline, "\n")] = 0;
		fclose(f);
	}
	uname(&u);
	fputc('{', json);
	json_first_field = true;
	jobj("meta");
	jstr("kernel", u.release);
	jstr("cmdline", cmdline);
	jstr("accel", cfg.accel);
	jint("cpus", ncpus);
	jint("reps", cfg.reps);
	jint("duration_ms", cfg.duration_ms);
	jint("qbytes", cfg.qbytes);
	jkey("sizes");
	for (i = 0; i < cfg.nr_sizes; i++)
		fprintf(json, "%s%zu", i ? ", " : "[", cfg.sizes[i]);
	fputc(']', json);
	jint("mq_msgsize_max", read_ulong("/proc/sys/fs/mqueue/msgsize_max"));
	jint("mq_msg_max", read_ulong("/proc/sys/fs/mqueue/msg_max"));
	jint("relq_max_capacity",
	     read_ulong("/sys/module/relq/parameters/max_capacity"));
	jint("relq_max_msg_size",
	     read_ulong("/sys/module/relq/parameters/max_msg_size"));
	jint("relq_max_channels",
	     read_ulong("/sys/module/relq/parameters/max_channels"));
	jint("kfence_sample_interval",
	     read_ulong("/sys/module/kfence/parameters/sample_interval"));
	jint("idle_spinners", cfg.spinners);
	jint("started", time(NULL));
	jend();
}

int main(int argc, char **argv)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	double t_start = now_s();
	int opt;

	cfg.do_tp = true;
	cfg.do_pp = true;
	cfg.do_scale = true;
	cfg.do_mem = true;
	while ((opt = getopt(argc, argv, "r:d:s:q:w:m:a:o:S")) != -1) {
		switch (opt) {
		case 'r':
			cfg.reps = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			cfg.duration_ms = strtoul(optarg, NULL, 0);
			break;
		case 's':
			parse_sizes(optarg);
			break;
		case 'q':
			cfg.qbytes = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			parse_workloads(optarg);
			break;
		case 'a':
			cfg.accel = optarg;
			break;
		case 'o':
			cfg.out = optarg;
			break;
		case 'm':
			parse_mechs(optarg);
			break;
		case 'S':
			cfg.spinners = true;
			break;
		default:
			print_usage();
		}
	}
	if (!cfg.out || !cfg.reps || !cfg.duration_ms || !cfg.qbytes)
		print_usage();
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;
	/* POSIX mqueues count against RLIMIT_MSGQUEUE (root may raise it). */
	if (setrlimit(RLIMIT_MSGQUEUE, &unlimited))
		fprintf(stderr, "relq_bench: RLIMIT_MSGQUEUE stays: %s\n",
			strerror(errno));
	ctl_fd = open(RELQ_CONTROL, O_RDWR | O_CLOEXEC);
	if (ctl_fd < 0)
		die("open " RELQ_CONTROL " (is relq loaded, are we root?)");
	json = fopen(cfg.out, "w");
	if (!json)
		die("open %s", cfg.out);
	setvbuf(stdout, NULL, _IOLBF, 0);
	write_meta();
	/* Memory first: no destroyed channel is still waiting for RCU. */
	if (cfg.do_mem)
		workload_mem();
	spinners_start();
	if (cfg.do_tp)
		workload_tp();
	if (cfg.do_pp)
		workload_pp();
	if (cfg.do_scale)
		workload_scale();
	spinners_stop();
	fprintf(json, ",\n\"elapsed_s\": %.1f\n}\n", now_s() - t_start);
	if (fclose(json))
		die("write %s", cfg.out);
	printf("relq_bench: wrote %s in %.0f s\n", cfg.out, now_s() - t_start);
	return 0;
}
