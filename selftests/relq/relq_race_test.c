// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests that drive relq's race-window hooks (T-RACE-2, T-RACE-3).
 *
 * The hooks exist only in the test build of relq.ko (Kbuild's
 * RELQ_TEST_HOOKS=y, used for the debug and kcsan kernels), under
 * /sys/kernel/debug/relq/hooks/. On a production module the tests SKIP,
 * and t_race_hooks_only_in_test_build checks that a production module
 * really has none. Run as root with relq.ko loaded and debugfs mounted.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define RELQ_HOOKS_DIR		RELQ_DEBUGFS_DIR "/hooks"
#define RELQ_HOOK_READ		RELQ_HOOKS_DIR "/read_active"
#define RELQ_RACE_MSG		32

/* Set the read_active hook's delay and jitter (µs); 0 or an errno. */
static int relq_hook_set(unsigned int delay_us, unsigned int jitter_us)
{
	char v[16];
	int err;

	snprintf(v, sizeof(v), "%u", delay_us);
	err = relq_write_file(RELQ_HOOK_READ "/delay_us", v);
	if (err)
		return err;
	snprintf(v, sizeof(v), "%u", jitter_us);
	return relq_write_file(RELQ_HOOK_READ "/jitter_us", v);
}

static unsigned long long relq_hook_hits(void)
{
	unsigned long long v = 0;

	relq_read_ull(RELQ_HOOK_READ "/hits", &v);
	return v;
}

/*
 * A channel, and the hooks reset to zero whatever the test did: a delay
 * left behind would slow every later read on the machine.
 */
FIXTURE(race) {
	int ctl;
	int fd;
	char name[RELQ_NAME_LEN];
};

FIXTURE_SETUP(race)
{
	int err;

	self->ctl = -1;
	self->fd = -1;
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's race tests need root");
	if (access(RELQ_HOOK_READ "/delay_us", W_OK))
		SKIP(return, "%s: %s (%s)", RELQ_HOOK_READ, strerror(errno),
		     "a production relq.ko: the race-window hooks are in the test build");
	if (relq_waiting_tasks() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	ASSERT_EQ(0, relq_hook_set(0, 0));
	self->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	relq_unique_name(self->name, "race");
	err = relq_create(self->ctl, self->name, 4096, RELQ_RACE_MSG, NULL);
	ASSERT_EQ(0, err) TH_LOG("CREATE: %s", strerror(err));
	self->fd = relq_open(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(race)
{
	if (self->ctl < 0)
		return;
	relq_hook_set(0, 0);
	if (self->fd >= 0)
		close(self->fd);
	relq_destroy(self->ctl, self->name);
	close(self->ctl);
}

/*
 * The hooks directory exists exactly when the loaded relq.ko is the test
 * build, which declares itself a test module (taint 'N'): a production
 * module that grew hooks, or a test build that lost them, fails here.
 */
TEST(t_race_hooks_only_in_test_build)
{
	int test_module;
	bool hooks;

	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "relq.ko is not loaded");
	if (geteuid())
		SKIP(return, "needs root to see debugfs");
	if (access(RELQ_COUNTERS_PATH, R_OK))
		SKIP(return, "%s: %s (debugfs not mounted?)", RELQ_COUNTERS_PATH,
		     strerror(errno));
	test_module = relq_module_is_test_build();
	ASSERT_LE(0, test_module) TH_LOG("/sys/module/relq/taint is unreadable");
	hooks = !access(RELQ_HOOKS_DIR, F_OK);
	TH_LOG("%s build, hooks %s", test_module ? "test" : "production",
	       hooks ? "present" : "absent");
	EXPECT_EQ(test_module, hooks);
}

/* The reader thread of T-RACE-2: one blocking read per round. */
struct relq_race_reader {
	pthread_t thread;
	int fd;
	unsigned int go;	/* __atomic: the round to read in, ~0 to stop */
	unsigned int done;	/* __atomic: the last round finished */
	ssize_t ret;
	int err;
	unsigned char buf[RELQ_RACE_MSG];
};

static void *relq_race_reader_fn(void *arg)
{
	struct relq_race_reader *r = arg;
	unsigned int round = 0, go;

	for (;;) {
		while ((go = __atomic_load_n(&r->go, __ATOMIC_ACQUIRE)) == round)
			sched_yield();
		if (go == ~0U)
			return NULL;
		round = go;
		r->ret = read(r->fd, r->buf, sizeof(r->buf));
		r->err = r->ret < 0 ? errno : 0;
		__atomic_store_n(&r->done, round, __ATOMIC_RELEASE);
	}
}

/*
 * The reader thread on @fd, with SIGUSR1 interrupting its reads (no
 * SA_RESTART); NULL if it could not start.
 */
static struct relq_race_reader *relq_race_reader_start(int fd)
{
	struct relq_race_reader *rd = calloc(1, sizeof(*rd));

	relq_signal_interrupts(SIGUSR1);
	if (!rd)
		return NULL;
	rd->fd = fd;
	if (pthread_create(&rd->thread, NULL, relq_race_reader_fn, rd)) {
		free(rd);
		return NULL;
	}
	return rd;
}

/* Spin for about @us microseconds (a sleep would be far coarser). */
static void relq_spin_us(unsigned int us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000000LL +
		 (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

/* Until @n tasks sleep in relq's waits, without sleeping between looks. */
static bool relq_spin_for_waiters(long long n)
{
	long long end = relq_now_ms() + 10000;

	while (relq_waiting_tasks() != n) {
		if (relq_now_ms() > end)
			return false;
		sched_yield();
	}
	return true;
}

/*
 * T-RACE-2: the hook delays a reader between taking the head message and
 * copying it out by 0-200 µs at random; a blocked reader then gets a
 * message and a SIGUSR1 (no SA_RESTART) together, in either order and
 * 0-200 µs apart, for 10^4 rounds (RELQ_RACE_ROUNDS overrides). Each
 * round the reader returns the message whole, or EINTR with the message
 * still queued, never both and never neither: nothing is lost or
 * duplicated, and EINTR means nothing was consumed.
 */
TEST_F_TIMEOUT(race, t_race_2_signal_and_message_together, 900)
{
	struct relq_race_reader *rd;
	unsigned int seed = relq_test_seed(), rng = seed, round, rounds = 10000;
	unsigned int got = 0, eintr = 0, sig_first = 0, gap;
	unsigned long long hits0;
	unsigned char msg[RELQ_RACE_MSG], back[RELQ_RACE_MSG];
	const char *env = getenv("RELQ_RACE_ROUNDS");
	long long t0 = relq_now_ms();
	int nb;

	if (env && atoi(env) > 0)
		rounds = atoi(env);
	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	rd = relq_race_reader_start(self->fd);
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, relq_hook_set(0, 200));
	hits0 = relq_hook_hits();

	for (round = 1; round <= rounds; round++) {
		bool signal_first = relq_rand(&rng) & 1;

		gap = relq_rand(&rng) % 201;
		relq_fill_pattern(msg, sizeof(msg), round);
		__atomic_store_n(&rd->go, round, __ATOMIC_RELEASE);
		if (!relq_spin_for_waiters(1))
			break;
		if (signal_first) {
			sig_first++;
			pthread_kill(rd->thread, SIGUSR1);
			relq_spin_us(gap);
			ASSERT_EQ(sizeof(msg), write(nb, msg, sizeof(msg)));
		} else {
			ASSERT_EQ(sizeof(msg), write(nb, msg, sizeof(msg)));
			relq_spin_us(gap);
			pthread_kill(rd->thread, SIGUSR1);
		}
		while (__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE) != round)
			sched_yield();
		if (rd->ret == (ssize_t)sizeof(msg)) {
			got++;
			ASSERT_TRUE(relq_check_pattern(rd->buf, sizeof(msg), round))
				TH_LOG("round %u: the reader got another message", round);
		} else {
			ASSERT_EQ(EINTR, rd->err)
				TH_LOG("round %u: read gave %zd (%s)", round, rd->ret,
				       strerror(rd->err));
			eintr++;
			/* EINTR: the message must still be there, once. */
			ASSERT_EQ(sizeof(back), read(nb, back, sizeof(back)))
				TH_LOG("round %u: EINTR, and the message is gone", round);
			ASSERT_TRUE(relq_check_pattern(back, sizeof(back), round));
		}
		ASSERT_EQ(0, relq_fionread(self->fd))
			TH_LOG("round %u: a message too many", round);
	}
	__atomic_store_n(&rd->go, ~0U, __ATOMIC_RELEASE);
	pthread_join(rd->thread, NULL);
	ASSERT_GT(round, rounds) TH_LOG("round %u: the reader never blocked", round);
	/* Each message was read once, by the reader or by us: one pass each. */
	EXPECT_EQ(rounds, relq_hook_hits() - hits0);
	TH_LOG("seed %u: %u rounds in %lld ms, signal first in %u", seed, rounds,
	       relq_now_ms() - t0, sig_first);
	TH_LOG("%u delivered, %u EINTR with the message kept; hook passed %llu times",
	       got, eintr, relq_hook_hits() - hits0);
	EXPECT_EQ(rounds, got + eintr);
	free(rd);
	close(nb);
}

/*
 * T-RACE-3: the hook holds a reader 50 ms with the head message taken
 * (the request is ACTIVE) while a SIGUSR1 arrives. The read returns the
 * message: once a reader owns a message it completes, and the signal is
 * seen on the way back to user space. Nothing stays queued or waiting.
 * Three rounds, the signal landing early and late in the window.
 */
TEST_F_TIMEOUT(race, t_race_3_signal_while_active, 120)
{
	struct relq_race_reader *rd;
	unsigned char msg[RELQ_RACE_MSG];
	unsigned long long hits;
	unsigned int round;
	long long t0, held;
	int nb;

	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	rd = relq_race_reader_start(self->fd);
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, relq_hook_set(50000, 0));

	for (round = 1; round <= 3; round++) {
		relq_fill_pattern(msg, sizeof(msg), round);
		hits = relq_hook_hits();
		__atomic_store_n(&rd->go, round, __ATOMIC_RELEASE);
		ASSERT_TRUE(relq_spin_for_waiters(1));
		t0 = relq_now_ms();
		ASSERT_EQ(sizeof(msg), write(nb, msg, sizeof(msg)));
		/* The reader is in the window once the hook counted it. */
		while (relq_hook_hits() == hits)
			ASSERT_LT(relq_now_ms() - t0, 10000);
		relq_spin_us((round - 1) * 20000);
		pthread_kill(rd->thread, SIGUSR1);
		while (__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE) != round)
			sched_yield();
		held = relq_now_ms() - t0;
		ASSERT_EQ(sizeof(msg), rd->ret)
			TH_LOG("round %u: the read gave %zd (%s)", round, rd->ret,
			       strerror(rd->err));
		EXPECT_TRUE(relq_check_pattern(rd->buf, sizeof(msg), round));
		EXPECT_LE(50, held) TH_LOG("the hook held the reader %lld ms", held);
		EXPECT_EQ(0, relq_fionread(self->fd));
	}
	__atomic_store_n(&rd->go, ~0U, __ATOMIC_RELEASE);
	pthread_join(rd->thread, NULL);
	EXPECT_EQ(0, relq_waiting_tasks());
	free(rd);
	close(nb);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
