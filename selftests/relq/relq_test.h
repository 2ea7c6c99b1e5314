/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for relq's kselftests.
 */
#ifndef _RELQ_TEST_H
#define _RELQ_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <linux/relq.h>

#define RELQ_CONTROL_PATH "/dev/relq-control"

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

#endif /* _RELQ_TEST_H */
