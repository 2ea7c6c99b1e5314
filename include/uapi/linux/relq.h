/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * relq: a reliable message queue driver.
 *
 * The control node /dev/relq-control (admin only) creates and destroys
 * named channels; each channel is a character device /dev/relq/<name>
 * on which write() sends one message and read() receives one whole
 * message.
 *
 * Userspace use:
 *
 *	struct relq_create c = { .name = "jobs", .capacity = 65536,
 *				 .max_msg = 1024 };
 *	int ctl = open("/dev/relq-control", O_RDWR | O_CLOEXEC);
 *	ioctl(ctl, RELQ_IOC_CREATE, &c);
 *	int ch = open("/dev/relq/jobs", O_RDWR | O_CLOEXEC);
 *	write(ch, "hello", 5);
 *	read(ch, buf, sizeof(buf));	(returns 5)
 */
#ifndef _UAPI_LINUX_RELQ_H
#define _UAPI_LINUX_RELQ_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: ioctl numbering
 *
 * All relq commands use the magic %RELQ_IOC_MAGIC, which is free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst. Each command encodes
 * the exact size and direction of its argument, except the size-first
 * %RELQ_IOC_INFO, whose size travels in its first field. A command whose
 * number, size or direction matches no command of the file it is issued on
 * fails with %ENOTTY. Every argument is a pointer to a struct whose layout
 * is the same for 32-bit and 64-bit callers; user pointers inside structs
 * travel as __u64.
 *
 * Reserved fields and flag bits that are not defined must be zero, else
 * the command fails with %EINVAL and changes nothing.
 */
#define RELQ_IOC_MAGIC		0xB9

/* Size of a channel name field, terminating NUL included. */
#define RELQ_NAME_LEN		32

/* Channel states, as reported by INFO and the status page. */
#define RELQ_STATE_LIVE		0
#define RELQ_STATE_DYING	1
#define RELQ_STATE_DEAD		2

/* relq_create.flags: which of uid, gid and mode are given. */
#define RELQ_CREATE_UID		(1U << 0)
#define RELQ_CREATE_GID		(1U << 1)
#define RELQ_CREATE_MODE	(1U << 2)
#define RELQ_CREATE_FLAGS	(RELQ_CREATE_UID | RELQ_CREATE_GID | RELQ_CREATE_MODE)

/**
 * struct relq_create - argument of %RELQ_IOC_CREATE
 * @name: channel name: 1 to 31 characters from ``[a-z0-9_.-]``, not "." or
 *	"..", NUL-terminated inside the field; bytes after the NUL are ignored
 * @capacity: payload bytes the channel can hold, 1 to the max_capacity
 *	module parameter
 * @max_msg: largest message in bytes, 1 to min(@capacity, the max_msg_size
 *	module parameter)
 * @flags: %RELQ_CREATE_UID, %RELQ_CREATE_GID, %RELQ_CREATE_MODE
 * @uid: owner of the node, in the caller's user namespace
 *	(with %RELQ_CREATE_UID, else must be zero)
 * @gid: group of the node, in the caller's user namespace
 *	(with %RELQ_CREATE_GID, else must be zero)
 * @mode: permission bits of the node, within 0777 and without the
 *	world-write bit (with %RELQ_CREATE_MODE, else must be zero; the
 *	default is 0600)
 * @id: out: the new channel's id, unique among live channels; ids are
 *	not reused at once after a destroy
 * @reserved: must be zero
 */
struct relq_create {
	char name[RELQ_NAME_LEN];
	__aligned_u64 capacity;
	__u32 max_msg;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 id;
	__aligned_u64 reserved[2];
};

/**
 * struct relq_destroy - argument of %RELQ_IOC_DESTROY
 * @name: name of a live channel, NUL-terminated inside the field
 * @flags: must be zero
 * @reserved: must be zero
 */
struct relq_destroy {
	char name[RELQ_NAME_LEN];
	__u32 flags;
	__u32 reserved;
};

/**
 * struct relq_list_entry - one channel in the array %RELQ_IOC_LIST fills
 * @name: the channel's name, NUL-terminated and zero-padded
 * @id: the channel's id
 * @reserved: written as zero
 */
struct relq_list_entry {
	char name[RELQ_NAME_LEN];
	__u32 id;
	__u32 reserved;
};

/**
 * struct relq_list - argument of %RELQ_IOC_LIST
 * @entries: user pointer to an array of @capacity &struct relq_list_entry
 * @capacity: number of entries the array holds, 0 to the max_channels
 *	module parameter; 0 asks for @count only
 * @count: out: the number of live channels; min(@capacity, @count)
 *	entries are written and the rest of the array is left untouched
 * @flags: must be zero
 * @reserved: must be zero
 */
struct relq_list {
	__aligned_u64 entries;
	__u32 capacity;
	__u32 count;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct relq_info - argument of %RELQ_IOC_INFO (size-first, extensible)
 * @size: in: the size of the caller's struct, at least
 *	%RELQ_INFO_SIZE_VER0 and at most a page; out: the kernel's size
 * @flags: must be zero
 * @id: the channel's id
 * @state: %RELQ_STATE_LIVE, %RELQ_STATE_DYING or %RELQ_STATE_DEAD
 * @capacity: payload bytes the channel can hold
 * @max_msg: largest message in bytes
 * @depth: messages queued
 * @bytes: payload bytes queued
 * @sent: messages accepted since creation
 * @received: messages delivered since creation
 * @next_size: size of the next message, 0 when the queue is empty
 *	(%RELQ_INFO_SIZE_VER1 and later)
 * @mode: permission bits the node was created with (VER1)
 * @name: the channel's name, NUL-terminated and zero-padded (VER1)
 * @link_flags: %RELQ_INFO_LINKED while the channel forwards to a lower
 *	one (%RELQ_INFO_SIZE_VER2 and later)
 * @lower_id: the lower channel's id while %RELQ_INFO_LINKED, else 0 (VER2)
 * @forwarded: messages passed on to the lower channel since creation;
 *	@sent counts them too, @received and @depth never do (VER2)
 *
 * The kernel reads @size first, then the struct once; a larger struct
 * than the kernel's is accepted when the extra bytes are zero, and fails
 * with %E2BIG otherwise (the kernel's size is then written to @size). The
 * kernel writes min(@size, its size) bytes. %RELQ_INFO_SIZE_VER0 is the
 * first published layout (up to @received); VER1 adds @next_size, @mode
 * and @name; VER2 adds @link_flags, @lower_id and @forwarded. All are
 * served, so old callers keep working.
 */
struct relq_info {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 state;
	__aligned_u64 capacity;
	__u32 max_msg;
	__u32 depth;
	__aligned_u64 bytes;
	__aligned_u64 sent;
	__aligned_u64 received;
	__u32 next_size;
	__u32 mode;
	char name[RELQ_NAME_LEN];
	__u32 link_flags;
	__u32 lower_id;
	__aligned_u64 forwarded;
};

#define RELQ_INFO_SIZE_VER0	56
#define RELQ_INFO_SIZE_VER1	96
#define RELQ_INFO_SIZE_VER2	112

/* relq_info.link_flags: the channel forwards its messages (LINK). */
#define RELQ_INFO_LINKED	(1U << 0)

/**
 * struct relq_status - the read-only status page of a channel (mmap)
 * @seq: even while the page is stable, odd while the kernel updates it;
 *	a reader retries until it sees the same even value before and after
 *	reading the other fields
 * @state: %RELQ_STATE_LIVE, %RELQ_STATE_DYING or %RELQ_STATE_DEAD
 * @sent: messages accepted since creation
 * @received: messages delivered since creation
 * @depth: messages queued
 * @reserved: zero
 * @bytes: payload bytes queued
 *
 * Map exactly one page at offset 0 with PROT_READ (shared or private);
 * the kernel never reads anything back from it.
 */
struct relq_status {
	__u32 seq;
	__u32 state;
	__aligned_u64 sent;
	__aligned_u64 received;
	__u32 depth;
	__u32 reserved;
	__aligned_u64 bytes;
};

/* Most channels in one chain of links, the top one included. */
#define RELQ_MAX_STACK_DEPTH	4

/**
 * struct relq_link - argument of %RELQ_IOC_LINK
 * @fd: an fd of the lower channel, open for writing
 * @flags: must be zero
 * @reserved: must be zero
 *
 * Links the channel the ioctl is issued on (the upper) to a lower
 * channel. relq keeps its own reference to the lower channel's open file,
 * never the fd number, so the caller may close @fd at once; the reference
 * goes with %RELQ_IOC_UNLINK or the upper's destruction.
 */
struct relq_link {
	__s32 fd;
	__u32 flags;
	__aligned_u64 reserved;
};

/**
 * struct relq_recv - the command of an asynchronous RECV
 * @addr: the receive buffer
 * @len: its size in bytes
 * @flags: must be zero
 *
 * RECV is an io_uring command on a channel fd open for reading: an
 * %IORING_OP_URING_CMD SQE with cmd_op %RELQ_URING_RECV and this struct in
 * the SQE's command area (16 bytes, a normal SQE). It completes once, with
 * the length of the one whole message it received, or -EMSGSIZE or
 * -EFAULT (the message stays queued), -ECANCELED (io_uring cancelled it:
 * ring or task exit), or -ENODEV (the channel was destroyed). It needs
 * Linux 6.7 or later; earlier kernels complete it with -EOPNOTSUPP.
 */
struct relq_recv {
	__aligned_u64 addr;
	__u32 len;
	__u32 flags;
};

/* Control commands (/dev/relq-control; CAP_SYS_ADMIN of the opener). */
#define RELQ_IOC_CREATE		_IOWR(RELQ_IOC_MAGIC, 0x00, struct relq_create)
#define RELQ_IOC_DESTROY	_IOW(RELQ_IOC_MAGIC, 0x01, struct relq_destroy)
#define RELQ_IOC_LIST		_IOWR(RELQ_IOC_MAGIC, 0x02, struct relq_list)

/* Channel commands (/dev/relq/<name>). */
#define RELQ_IOC_INFO		_IO(RELQ_IOC_MAGIC, 0x40)
#define RELQ_IOC_LINK		_IOW(RELQ_IOC_MAGIC, 0x41, struct relq_link)
#define RELQ_IOC_UNLINK		_IO(RELQ_IOC_MAGIC, 0x42)
#define RELQ_IOC_DRAIN		_IO(RELQ_IOC_MAGIC, 0x43)

/* io_uring commands on a channel (IORING_OP_URING_CMD's cmd_op). */
#define RELQ_URING_RECV		_IOR(RELQ_IOC_MAGIC, 0x80, struct relq_recv)

#endif /* _UAPI_LINUX_RELQ_H */
