// SPDX-License-Identifier: GPL-2.0
/*
 * T-DV-7: relq's tracepoints, the counterpart of Driver Verifier's IRP
 * logging. With events/relq enabled through tracefs, a scripted sequence
 * must log exactly one relq_enqueue and one relq_dequeue per message and
 * exactly one relq_complete or relq_cancel per read or write request.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define MSGS		5

/* How many lines of the trace are @event on channel @id. */
static int count_events(const char *trace, const char *event, __u32 id)
{
	char needle[96];
	const char *p = trace;
	int n = 0;

	snprintf(needle, sizeof(needle), " %s: channel=%u ", event, id);
	while ((p = strstr(p, needle))) {
		n++;
		p++;
	}
	return n;
}

static char *read_trace(void)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(RELQ_TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static void on_signal(int sig)
{
	(void)sig;
}

struct blocked_read {
	int fd;
	ssize_t ret;
	int err;
};

static void *read_blocked(void *arg)
{
	struct blocked_read *b = arg;
	char buf[64];

	b->ret = read(b->fd, buf, sizeof(buf));
	b->err = errno;
	return NULL;
}

FIXTURE(trace) {
	int ctl;
	char name[RELQ_NAME_LEN];
	bool enabled;
};

FIXTURE_SETUP(trace)
{
	self->ctl = -1;
	self->enabled = false;
	/* Without tracefs there is nothing to read; with it, relq's events must be there. */
	if (access(RELQ_TRACEFS "/events", F_OK))
		SKIP(return, "tracefs is not mounted at " RELQ_TRACEFS);
	ASSERT_EQ(0, access(RELQ_TRACEFS "/events/relq/enable", W_OK))
		TH_LOG("relq registered no trace events");
	self->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	relq_unique_name(self->name, "tr");
}

FIXTURE_TEARDOWN(trace)
{
	if (self->enabled)
		relq_tracefs_write("events/relq/enable", "0");
	if (self->ctl >= 0) {
		relq_destroy(self->ctl, self->name);
		close(self->ctl);
	}
}

/*
 * Five messages sent and received, an EAGAIN read, and a read cancelled
 * by a signal: 5 enqueues, 5 dequeues, 11 completions, 1 cancel.
 */
TEST_F(trace, t_dv_7_trace_events_per_message_and_request)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct blocked_read b = { .ret = 0 };
	char buf[64], msg[16];
	pthread_t t;
	char *trace;
	int fd, nb, i;
	__u32 id;

	ASSERT_EQ(0, relq_create(self->ctl, self->name, 4096, 64, &id));
	fd = relq_open(self->name, O_RDWR);
	ASSERT_LE(0, fd);
	nb = relq_open(self->name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, nb);

	ASSERT_EQ(0, relq_tracefs_write("events/relq/enable", "1"));
	self->enabled = true;
	ASSERT_EQ(0, relq_tracefs_write("tracing_on", "1"));
	ASSERT_EQ(0, relq_tracefs_write("trace", ""));

	for (i = 0; i < MSGS; i++) {
		snprintf(msg, sizeof(msg), "msg%d", i);
		ASSERT_EQ((ssize_t)strlen(msg), write(fd, msg, strlen(msg)));
	}
	for (i = 0; i < MSGS; i++)
		ASSERT_LT(0, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(-1, read(nb, buf, sizeof(buf)));
	ASSERT_EQ(EAGAIN, errno);

	/* A reader blocked on the empty channel, interrupted by a signal. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	b.fd = fd;
	ASSERT_EQ(0, pthread_create(&t, NULL, read_blocked, &b));
	usleep(300 * 1000);
	ASSERT_EQ(0, pthread_kill(t, SIGUSR1));
	ASSERT_EQ(0, relq_join_ms(t, 5000));
	ASSERT_EQ(-1, b.ret);
	ASSERT_EQ(EINTR, b.err);

	ASSERT_EQ(0, relq_tracefs_write("events/relq/enable", "0"));
	self->enabled = false;
	trace = read_trace();
	ASSERT_NE(NULL, trace);
	EXPECT_EQ(MSGS, count_events(trace, "relq_enqueue", id));
	EXPECT_EQ(MSGS, count_events(trace, "relq_dequeue", id));
	EXPECT_EQ(2 * MSGS + 1, count_events(trace, "relq_complete", id));
	EXPECT_EQ(1, count_events(trace, "relq_cancel", id));
	if (_metadata->exit_code)
		TH_LOG("trace:\n%s", trace);
	free(trace);
	close(nb);
	close(fd);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
