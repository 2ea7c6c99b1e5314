// SPDX-License-Identifier: GPL-2.0
/*
 * relqctl: create, destroy, list and inspect relq channels.
 *
 *	relqctl create NAME [--capacity BYTES] [--max-msg BYTES]
 *			    [--mode OCTAL] [--uid UID] [--gid GID]
 *	relqctl destroy NAME
 *	relqctl list
 *	relqctl info NAME
 *
 * Exit status: 0 on success, 1 when the kernel refused (the message names
 * the errno), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/relq.h>

#define RELQ_CONTROL	"/dev/relq-control"

static const char *prog = "relqctl";

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s create NAME [--capacity BYTES] [--max-msg BYTES]\n"
		"                 [--mode OCTAL] [--uid UID] [--gid GID]\n"
		"       %s destroy NAME\n"
		"       %s list\n"
		"       %s info NAME\n"
		"\n"
		"Channels appear as /dev/relq/NAME; write(2) sends one message\n"
		"and read(2) receives one. create, destroy and list need\n"
		"CAP_SYS_ADMIN and the control node %s.\n",
		prog, prog, prog, prog, RELQ_CONTROL);
}

/* Report a refused call with the errno's name and exit 1. */
static int fail(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, strerrorname_np(err) ?: "?",
		strerror(err));
	return 1;
}

static int open_control(int flags)
{
	int fd = open(RELQ_CONTROL, flags | O_CLOEXEC);

	if (fd < 0)
		exit(fail("open " RELQ_CONTROL));
	return fd;
}

static int set_name(char *field, const char *name)
{
	if (strlen(name) >= RELQ_NAME_LEN) {
		fprintf(stderr, "%s: name longer than %d characters\n", prog,
			RELQ_NAME_LEN - 1);
		return -1;
	}
	memcpy(field, name, strlen(name) + 1);
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "max-msg", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct relq_create c = { .capacity = 65536, .max_msg = 4096 };
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "c:m:M:u:g:", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.capacity = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			c.max_msg = strtoul(optarg, NULL, 0);
			break;
		case 'M':
			c.mode = strtoul(optarg, NULL, 8);
			c.flags |= RELQ_CREATE_MODE;
			break;
		case 'u':
			c.uid = strtoul(optarg, NULL, 0);
			c.flags |= RELQ_CREATE_UID;
			break;
		case 'g':
			c.gid = strtoul(optarg, NULL, 0);
			c.flags |= RELQ_CREATE_GID;
			break;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || set_name(c.name, argv[optind])) {
		print_usage(stderr);
		return 2;
	}
	fd = open_control(O_RDWR);
	if (ioctl(fd, RELQ_IOC_CREATE, &c))
		return fail("create");
	printf("created /dev/relq/%s (id %u)\n", c.name, c.id);
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	struct relq_destroy d = { 0 };
	int fd;

	if (argc != 2 || set_name(d.name, argv[1])) {
		print_usage(stderr);
		return 2;
	}
	fd = open_control(O_RDWR);
	if (ioctl(fd, RELQ_IOC_DESTROY, &d))
		return fail("destroy");
	return 0;
}

static int cmd_list(int argc)
{
	struct relq_list l = { 0 };
	struct relq_list_entry *e;
	unsigned int i;
	int fd;

	if (argc != 1) {
		print_usage(stderr);
		return 2;
	}
	fd = open_control(O_RDONLY);
	if (ioctl(fd, RELQ_IOC_LIST, &l))
		return fail("list");
	e = calloc(l.count ? l.count : 1, sizeof(*e));
	if (!e)
		return fail("calloc");
	l.capacity = l.count;
	l.entries = (uintptr_t)e;
	if (ioctl(fd, RELQ_IOC_LIST, &l))
		return fail("list");
	for (i = 0; i < l.count && i < l.capacity; i++)
		printf("%u\t%s\n", e[i].id, e[i].name);
	free(e);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	static const char * const states[] = { "live", "dying", "dead" };
	struct relq_info info = { .size = sizeof(info) };
	char path[64];
	int fd;

	if (argc != 2 || strlen(argv[1]) >= RELQ_NAME_LEN) {
		print_usage(stderr);
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/relq/%s", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(path);
	if (ioctl(fd, RELQ_IOC_INFO, &info))
		return fail("info");
	printf("name:      %s\nid:        %u\nstate:     %s\nmode:      %04o\n"
	       "capacity:  %llu\nmax_msg:   %u\ndepth:     %u\nbytes:     %llu\n"
	       "sent:      %llu\nreceived:  %llu\nnext_size: %u\n",
	       info.name, info.id, info.state < 3 ? states[info.state] : "?", info.mode,
	       (unsigned long long)info.capacity, info.max_msg, info.depth,
	       (unsigned long long)info.bytes, (unsigned long long)info.sent,
	       (unsigned long long)info.received, info.next_size);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "destroy"))
		return cmd_destroy(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1);
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	print_usage(stderr);
	return 2;
}
