// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for relq's pure validators: channel names (T-STR-1), the
 * CREATE argument (T-BUF-7) and the channel state machine (T-STATE-3);
 * and relq's string builders (T-STR-2).
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

struct relq_name_case {
	const char *desc;
	char field[RELQ_NAME_LEN + 1];	/* one canary byte after the field */
	int len;			/* bytes to fill from @fill, or -1 */
	char fill;
	int expect;
};

static const struct relq_name_case relq_name_cases[] = {
	{ "empty", "", -1, 0, -EINVAL },
	{ "one char", "a", -1, 0, 0 },
	{ "31 chars", "", 31, 'x', 0 },
	{ "32 non-NUL bytes", "", 32, 'x', -ENAMETOOLONG },
	{ "bytes after the NUL are ignored", "abc\0xyz", -1, 0, 0 },
	{ "upper case", "A", -1, 0, -EINVAL },
	{ "slash", "a/b", -1, 0, -EINVAL },
	{ "dot", ".", -1, 0, -EINVAL },
	{ "dot dot", "..", -1, 0, -EINVAL },
	{ "three dots are a name", "...", -1, 0, 0 },
	{ "space", "a b", -1, 0, -EINVAL },
	{ "all allowed classes", "az09_.-", -1, 0, 0 },
	{ "high byte", "a\x80", -1, 0, -EINVAL },
	{ "0xff", "\xff", -1, 0, -EINVAL },
	{ "newline", "a\n", -1, 0, -EINVAL },
};

static void relq_name_case_desc(const struct relq_name_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(relq_name, relq_name_cases, relq_name_case_desc);

static void relq_validate_t_str_1_names(struct kunit *test)
{
	const struct relq_name_case *c = test->param_value;
	char field[RELQ_NAME_LEN + 1];

	memcpy(field, c->field, sizeof(field));
	if (c->len >= 0)
		memset(field, c->fill, c->len);
	field[RELQ_NAME_LEN] = 0x5a;	/* canary */
	KUNIT_EXPECT_EQ(test, relq_validate_name(field, RELQ_NAME_LEN), c->expect);
	KUNIT_EXPECT_EQ(test, field[RELQ_NAME_LEN], 0x5a);
}

/* Every byte value as a one-character name. */
static void relq_validate_t_str_1_every_byte(struct kunit *test)
{
	char field[RELQ_NAME_LEN] = {};
	int b, ok;

	for (b = 1; b < 256; b++) {
		field[0] = b;
		ok = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
		     b == '_' || b == '-';
		KUNIT_EXPECT_EQ_MSG(test, relq_validate_name(field, sizeof(field)),
				    ok ? 0 : -EINVAL, "byte %#x", b);
	}
}

/*
 * T-STR-2: relq_name_copy() writes a name into a field its caller sizes
 * (the channel's, INFO's and LIST's name). Every name length from 1 to
 * 31, into every size from 1 to the size it needs: the field is always
 * terminated, a short field gives -E2BIG and a cut, terminated prefix, a
 * field that fits gives the length and zeroes up to its end, and the
 * canary byte after the field is never touched.
 */
static void relq_validate_t_str_2_name_copy(struct kunit *test)
{
	char name[RELQ_NAME_LEN], buf[RELQ_NAME_LEN + 1];
	size_t len, size, i;
	ssize_t ret;

	for (len = 1; len < RELQ_NAME_LEN; len++) {
		memset(name, 0, sizeof(name));
		for (i = 0; i < len; i++)
			name[i] = 'a' + i % 26;
		for (size = 1; size <= len + 1; size++) {
			memset(buf, 0xa5, sizeof(buf));
			ret = relq_name_copy(buf, size, name);
			KUNIT_EXPECT_EQ_MSG(test, (u8)buf[size], 0xa5,
					    "canary, len %zu size %zu", len, size);
			KUNIT_EXPECT_EQ_MSG(test, buf[size - 1], 0,
					    "terminator, len %zu size %zu", len, size);
			if (size <= len) {
				KUNIT_EXPECT_EQ_MSG(test, ret, -E2BIG,
						    "len %zu size %zu", len, size);
				KUNIT_EXPECT_EQ(test, strlen(buf), size - 1);
				KUNIT_EXPECT_EQ(test, memcmp(buf, name, size - 1), 0);
			} else {
				KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)len,
						    "len %zu size %zu", len, size);
				KUNIT_EXPECT_STREQ(test, buf, name);
			}
		}
		/* The full field: the name, then zeroes to the end. */
		memset(buf, 0xa5, sizeof(buf));
		KUNIT_EXPECT_EQ(test, relq_name_copy(buf, RELQ_NAME_LEN, name),
				(ssize_t)len);
		for (i = len; i < RELQ_NAME_LEN; i++)
			KUNIT_EXPECT_EQ_MSG(test, buf[i], 0, "len %zu byte %zu", len, i);
		KUNIT_EXPECT_EQ(test, (u8)buf[RELQ_NAME_LEN], 0xa5);
	}
}

/*
 * T-STR-2: the node-name builder, the device type's devnode callback,
 * over names of every length from 1 to 31. It sizes its own buffer
 * (kasprintf()), so there is no caller size to vary; what can go wrong is
 * a cut or unterminated "relq/<name>", or a buffer smaller than the
 * string. The channels are reserved only: no node is created.
 */
static void relq_validate_t_str_2_node_name(struct kunit *test)
{
	struct relq_create c = {
		.capacity = 64, .max_msg = 8,
		.flags = RELQ_CREATE_MODE, .mode = 0640,
	};
	struct relq_channel *ch;
	char want[sizeof("relq/") + RELQ_NAME_LEN];
	size_t len, i;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	char *node;

	for (len = 1; len < RELQ_NAME_LEN; len++) {
		memset(c.name, 0, sizeof(c.name));
		for (i = 0; i < len; i++)
			c.name[i] = 'a' + (i + len) % 26;
		ch = relq_channel_reserve(&c);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ch), "len %zu: %ld", len,
				       PTR_ERR(ch));
		KUNIT_ASSERT_NOT_NULL(test, ch->dev.type);
		KUNIT_ASSERT_NOT_NULL(test, ch->dev.type->devnode);
		node = ch->dev.type->devnode(&ch->dev, &mode, &uid, &gid);
		relq_channel_abort(ch);
		KUNIT_ASSERT_NOT_NULL(test, node);
		KUNIT_EXPECT_EQ(test, scnprintf(want, sizeof(want), "relq/%s", c.name),
				(int)(len + 5));
		KUNIT_EXPECT_STREQ(test, node, want);
		KUNIT_EXPECT_EQ_MSG(test, strlen(node), len + 5, "len %zu", len);
		KUNIT_EXPECT_GE(test, ksize(node), len + 6);
		KUNIT_EXPECT_EQ(test, mode, 0640);
		kfree(node);
	}
	/* The callback also accepts no mode, uid or gid to fill. */
	memset(c.name, 0, sizeof(c.name));
	strscpy(c.name, "kunit-str2", sizeof(c.name));
	ch = relq_channel_reserve(&c);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ch));
	node = ch->dev.type->devnode(&ch->dev, NULL, NULL, NULL);
	relq_channel_abort(ch);
	KUNIT_EXPECT_STREQ(test, node, "relq/kunit-str2");
	kfree(node);
}

struct relq_create_case {
	const char *desc;
	u64 capacity;
	u32 max_msg;
	u32 flags;
	u32 mode;
	u32 uid;
	u64 reserved1;
	int expect;
};

#define RELQ_TEST_MAX_CAP	SZ_1M
#define RELQ_TEST_MAX_MSG	SZ_64K

static const struct relq_create_case relq_create_cases[] = {
	{ "minimal", 1, 1, 0, 0, 0, 0, 0 },
	{ "capacity 0", 0, 1, 0, 0, 0, 0, -EINVAL },
	{ "capacity at max", RELQ_TEST_MAX_CAP, 1, 0, 0, 0, 0, 0 },
	{ "capacity max+1", RELQ_TEST_MAX_CAP + 1ULL, 1, 0, 0, 0, 0, -EINVAL },
	{ "capacity 2^32-1", U32_MAX, 1, 0, 0, 0, 0, -EINVAL },
	{ "capacity 2^32+1 (wraps to 1 in 32 bits)", (1ULL << 32) + 1, 1, 0, 0, 0, 0, -EINVAL },
	{ "capacity 2^64-1", U64_MAX, 1, 0, 0, 0, 0, -EINVAL },
	{ "max_msg 0", 4096, 0, 0, 0, 0, 0, -EINVAL },
	{ "max_msg = capacity", 4096, 4096, 0, 0, 0, 0, 0 },
	{ "max_msg = capacity + 1", 4096, 4097, 0, 0, 0, 0, -EINVAL },
	{ "max_msg above the parameter", RELQ_TEST_MAX_CAP, RELQ_TEST_MAX_MSG + 1, 0, 0, 0, 0,
	  -EINVAL },
	{ "max_msg 2^32-1", RELQ_TEST_MAX_CAP, U32_MAX, 0, 0, 0, 0, -EINVAL },
	{ "unknown flag", 4096, 1, 1U << 3, 0, 0, 0, -EINVAL },
	{ "top flag bit", 4096, 1, 1U << 31, 0, 0, 0, -EINVAL },
	{ "mode without its flag", 4096, 1, 0, 0600, 0, 0, -EINVAL },
	{ "uid without its flag", 4096, 1, 0, 0, 1000, 0, -EINVAL },
	{ "mode 0640", 4096, 1, RELQ_CREATE_MODE, 0640, 0, 0, 0 },
	{ "mode 0", 4096, 1, RELQ_CREATE_MODE, 0, 0, 0, 0 },
	{ "mode 04600 (setuid)", 4096, 1, RELQ_CREATE_MODE, 04600, 0, 0, -EINVAL },
	{ "mode 010600 (type bits)", 4096, 1, RELQ_CREATE_MODE, 010600, 0, 0, -EINVAL },
	{ "mode 0602 (world write)", 4096, 1, RELQ_CREATE_MODE, 0602, 0, 0, -EINVAL },
	{ "mode 0666", 4096, 1, RELQ_CREATE_MODE, 0666, 0, 0, -EINVAL },
	{ "reserved non-zero", 4096, 1, 0, 0, 0, 1, -EINVAL },
};

static void relq_create_case_desc(const struct relq_create_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(relq_create, relq_create_cases, relq_create_case_desc);

static void relq_validate_t_buf_7_create(struct kunit *test)
{
	const struct relq_create_case *c = test->param_value;
	struct relq_create arg = {
		.name = "chan",
		.capacity = c->capacity,
		.max_msg = c->max_msg,
		.flags = c->flags,
		.mode = c->mode,
		.uid = c->uid,
		.reserved = { 0, c->reserved1 },
	};

	KUNIT_EXPECT_EQ(test, relq_validate_create(&arg, RELQ_TEST_MAX_CAP,
						   RELQ_TEST_MAX_MSG), c->expect);
}

/* A bad name inside an otherwise valid CREATE keeps the name's errno. */
static void relq_validate_t_buf_7_create_name(struct kunit *test)
{
	struct relq_create arg = { .capacity = 4096, .max_msg = 16 };

	KUNIT_EXPECT_EQ(test, relq_validate_create(&arg, RELQ_TEST_MAX_CAP,
						   RELQ_TEST_MAX_MSG), -EINVAL);
	memset(arg.name, 'a', sizeof(arg.name));
	KUNIT_EXPECT_EQ(test, relq_validate_create(&arg, RELQ_TEST_MAX_CAP,
						   RELQ_TEST_MAX_MSG), -ENAMETOOLONG);
}

/* T-STATE-3: the transition function over every (from, to) pair. */
static void relq_validate_t_state_3_transitions(struct kunit *test)
{
	static const enum relq_state all[] = { RELQ_LIVE, RELQ_DYING, RELQ_DEAD };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		for (j = 0; j < ARRAY_SIZE(all); j++) {
			bool allowed = (all[i] == RELQ_LIVE && all[j] == RELQ_DYING) ||
				       (all[i] == RELQ_DYING && all[j] == RELQ_DEAD);

			KUNIT_EXPECT_EQ_MSG(test, relq_state_transition(all[i], all[j]),
					    allowed ? 0 : -EINVAL, "%u -> %u", all[i], all[j]);
		}
	}
	/* Out-of-range values are refused too. */
	KUNIT_EXPECT_EQ(test, relq_state_transition(3, RELQ_LIVE), -EINVAL);
	KUNIT_EXPECT_EQ(test, relq_state_transition(RELQ_LIVE, 3), -EINVAL);
}

static struct kunit_case relq_validate_cases[] = {
	KUNIT_CASE_PARAM(relq_validate_t_str_1_names, relq_name_gen_params),
	KUNIT_CASE(relq_validate_t_str_1_every_byte),
	KUNIT_CASE(relq_validate_t_str_2_name_copy),
	KUNIT_CASE(relq_validate_t_str_2_node_name),
	KUNIT_CASE_PARAM(relq_validate_t_buf_7_create, relq_create_gen_params),
	KUNIT_CASE(relq_validate_t_buf_7_create_name),
	KUNIT_CASE(relq_validate_t_state_3_transitions),
	{}
};

static struct kunit_suite relq_validate_suite = {
	.name = "relq_validate",
	.test_cases = relq_validate_cases,
};

kunit_test_suite(relq_validate_suite);
