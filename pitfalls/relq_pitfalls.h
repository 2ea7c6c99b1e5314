/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * relq_pitfalls: the interface of the pitfall gallery's test-only module
 * (pitfalls/pit_main.c), shared with its test
 * (selftests/relq/relq_pitfalls_test.c). Not a relq interface: never
 * installed, never stable.
 */
#ifndef _RELQ_PITFALLS_H
#define _RELQ_PITFALLS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The two kinds of node, one file_operations for both (T-PIT-2). */
#define PIT_CONTROL_NODE	"/dev/relq-pitfalls"
#define PIT_CHANNEL_NODE	"/dev/relq-pitfalls-channel"
/* Root only: write a pitfall's name to run or arm it. */
#define PIT_DIRECT		"/sys/kernel/debug/relq_pitfalls/DIRECT"

/**
 * struct pit_create - CREATE's and SET_NAME's argument
 * @name: a name, NUL-terminated somewhere in the 64 bytes
 */
struct pit_create {
	char name[64];
};

/**
 * struct pit_info - INFO's size-versioned argument (T-PIT-11)
 * @size: in: the size of the caller's struct; out: the kernel's
 * @id: the channel's id
 * @bytes: bytes queued
 * @messages: messages queued
 * @reserved: zero
 */
struct pit_info {
	__u32 size;
	__u32 id;
	__u64 bytes;
	__u64 messages;
	__u8 reserved[24];
};

/**
 * struct pit_info_padded - an INFO layout with holes (T-PIT-12)
 * @kind: the node's kind; three bytes of padding follow
 * @id: the channel's id
 * @flags: flags; six bytes of padding follow
 * @bytes: bytes queued
 *
 * relq's uapi has no implicit padding (T-IOC-3); this one has, on
 * purpose.
 */
struct pit_info_padded {
	__u8 kind;
	__u32 id;
	__u16 flags;
	__u64 bytes;
};

/**
 * struct pit_status - the status command's reply (T-PIT-14)
 * @state: the channel's state
 * @depth: its depth in a LINK stack
 */
struct pit_status {
	__u32 state;
	__u32 depth;
};

/**
 * struct pit_list - LIST's argument (T-PIT-15)
 * @capacity: in: how many ids fit at @ids (1 to 8)
 * @count: out: how many were written
 * @ids: a user pointer to @capacity __u64s
 */
struct pit_list {
	__u32 capacity;
	__u32 count;
	__u64 ids;
};

#define PIT_IOC_MAGIC		0xB8
#define PIT_IOC_ADMIN		_IO(PIT_IOC_MAGIC, 1)
#define PIT_IOC_LINK		_IOW(PIT_IOC_MAGIC, 2, __s32)
#define PIT_IOC_CREATE		_IOW(PIT_IOC_MAGIC, 3, struct pit_create)
#define PIT_IOC_SCRATCH		_IOW(PIT_IOC_MAGIC, 4, __u32)
#define PIT_IOC_DRAIN		_IO(PIT_IOC_MAGIC, 5)
#define PIT_IOC_DRAIN_DONE	_IO(PIT_IOC_MAGIC, 6)
#define PIT_IOC_INFO		_IOWR(PIT_IOC_MAGIC, 7, struct pit_info)
#define PIT_IOC_SET_NAME	_IOW(PIT_IOC_MAGIC, 8, struct pit_create)
#define PIT_IOC_INFO_PADDED	_IOR(PIT_IOC_MAGIC, 9, struct pit_info_padded)
#define PIT_NR_STATUS		10
#define PIT_IOC_STATUS		_IOR(PIT_IOC_MAGIC, PIT_NR_STATUS, struct pit_status)
#define PIT_IOC_LIST		_IOWR(PIT_IOC_MAGIC, 11, struct pit_list)
#define PIT_IOC_PEEK		_IOW(PIT_IOC_MAGIC, 12, __u32)
#define PIT_IOC_FLAGS_WARN	_IOW(PIT_IOC_MAGIC, 13, __u32)
#define PIT_IOC_FLAGS_BUG	_IOW(PIT_IOC_MAGIC, 14, __u32)

/* The flags PIT_IOC_FLAGS_* accept; any other bit is the caller's error. */
#define PIT_FLAGS_VALID		0x1u

#endif /* _RELQ_PITFALLS_H */
