// SPDX-License-Identifier: GPL-2.0
/*
 * relqctl: create, destroy, list and inspect relq channels, and send,
 * receive and watch their messages.
 *
 *	relqctl create NAME [--capacity BYTES] [--max-msg BYTES]
 *			    [--mode OCTAL] [--uid UID] [--gid GID]
 *	relqctl destroy NAME
 *	relqctl list
 *	relqctl info NAME
 *	relqctl send NAME [--nonblock] [--file FILE | MESSAGE...]
 *	relqctl recv NAME [-n COUNT] [--nonblock | --async] [--timeout MS] [--raw]
 *	relqctl watch NAME [--count N] [--interval MS]
 *	relqctl link NAME TARGET
 *	relqctl unlink NAME
 *
 * Exit status: 0 on success, 1 when the kernel refused (the message names
 * the errno), 2 on a usage error, 3 when recv --timeout expired.
 * "relqctl --help" and "relqctl COMMAND --help" print the manual.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/relq.h>
#include <liburing.h>

#define RELQ_CONTROL	"/dev/relq-control"
#define RELQ_DEV_DIR	"/dev/relq/"

#define EXIT_REFUSED	1
#define EXIT_USAGE	2
#define EXIT_TIMEOUT	3

static const char *prog = "relqctl";

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Set by SIGINT and SIGTERM (atomically): stop waiting, as after EINTR. */
static int stop;

static bool stopped(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *summary;
	const char *description;
};

static int cmd_create(int argc, char **argv);
static int cmd_destroy(int argc, char **argv);
static int cmd_list(int argc, char **argv);
static int cmd_info(int argc, char **argv);
static int cmd_send(int argc, char **argv);
static int cmd_recv(int argc, char **argv);
static int cmd_watch(int argc, char **argv);
static int cmd_link(int argc, char **argv);
static int cmd_unlink(int argc, char **argv);

static const struct command commands[] = {
	{ "create", cmd_create,
	  "create NAME [--capacity BYTES] [--max-msg BYTES] [--mode OCTAL]\n"
	  "\t\t[--uid UID] [--gid GID]",
	  "create the channel /dev/relq/NAME",
	  "Creates a channel that holds up to --capacity payload bytes (default\n"
	  "65536) in messages of at most --max-msg bytes (default 4096). The node\n"
	  "is 0600 root:root unless --mode, --uid or --gid say otherwise (udev's\n"
	  "60-relq.rules then leaves it alone). Prints the new channel's id.\n"
	  "Needs CAP_SYS_ADMIN and " RELQ_CONTROL ".\n" },
	{ "destroy", cmd_destroy, "destroy NAME",
	  "destroy a channel",
	  "Removes /dev/relq/NAME and its messages at once. Files still open on\n"
	  "it fail with ENODEV from then on; blocked readers and writers wake\n"
	  "with ENODEV and pollers see POLLHUP. Needs CAP_SYS_ADMIN.\n" },
	{ "list", cmd_list, "list",
	  "list the live channels",
	  "Prints one line per live channel, in id order: the id, a tab and the\n"
	  "name. Needs CAP_SYS_ADMIN.\n" },
	{ "info", cmd_info, "info NAME",
	  "show a channel's state and counters",
	  "Prints what RELQ_IOC_INFO reports: id, state, mode, capacity, max_msg,\n"
	  "queued messages (depth) and bytes, the sent and received counters,\n"
	  "the size of the next message, the messages forwarded and the lower\n"
	  "channel of a link (its name needs CAP_SYS_ADMIN, else \"#ID\"). Needs\n"
	  "read access to the node.\n" },
	{ "send", cmd_send, "send NAME [--nonblock] [--file FILE | MESSAGE...]",
	  "send messages",
	  "Sends each MESSAGE argument as one message, in order. Without\n"
	  "arguments it sends each line of standard input as one message (the\n"
	  "newline is not sent). --file FILE sends the whole of FILE (\"-\" for\n"
	  "standard input) as one message. An empty message sends nothing: the\n"
	  "driver treats a zero-length write as a no-op. A blocking send waits\n"
	  "for room; with --nonblock a full channel fails with EAGAIN. A message\n"
	  "longer than the channel's max_msg fails with EMSGSIZE. Sending stops\n"
	  "at the first refused message; the ones before it stay sent. Use --\n"
	  "before a MESSAGE that starts with a dash.\n" },
	{ "recv", cmd_recv,
	  "recv NAME [-n COUNT] [--nonblock | --async] [--timeout MS] [--raw]",
	  "receive messages",
	  "Receives COUNT messages (default 1) and prints each on its own line\n"
	  "(--raw: the bytes only, no newline). It waits for each message; with\n"
	  "--nonblock an empty channel fails with EAGAIN at once; with --timeout\n"
	  "it gives up after MS milliseconds in all and exits 3. SIGINT or\n"
	  "SIGTERM cancels a wait: the read fails with EINTR and consumes\n"
	  "nothing. A channel destroyed meanwhile gives ENODEV.\n"
	  "--async submits COUNT RECV commands at once through io_uring (Linux\n"
	  "6.7 and later; EOPNOTSUPP before) and prints each message as its\n"
	  "completion arrives. It reports \"pended N\" on standard error when\n"
	  "it starts waiting. On a timeout or a signal it exits and the ring's\n"
	  "teardown cancels the RECVs still pended: they consume nothing.\n" },
	{ "watch", cmd_watch, "watch NAME [--count N] [--interval MS]",
	  "watch a channel's readiness and status page",
	  "Maps the channel's read-only status page and prints a line for the\n"
	  "starting state, then one event line whenever poll(2)'s readiness\n"
	  "(POLLIN, POLLOUT) or the status page (state, depth, bytes, sent,\n"
	  "received) changes. It sleeps in poll(2) until a bit it lacks appears,\n"
	  "and looks again every --interval milliseconds (default 200) for bits\n"
	  "that went away. It stops after --count events, on SIGINT or SIGTERM,\n"
	  "or when the channel is destroyed (POLLHUP), and exits 0.\n" },
	{ "link", cmd_link, "link NAME TARGET",
	  "link channel NAME to the lower channel TARGET",
	  "Issues RELQ_IOC_LINK on NAME with an fd of TARGET; both are opened\n"
	  "for writing. relq keeps its own reference to TARGET's file, so the\n"
	  "link holds after relqctl exits, until \"relqctl unlink NAME\" or the\n"
	  "destruction of NAME. From then on every message written to NAME is\n"
	  "forwarded into TARGET (and on down, if TARGET is linked too); NAME\n"
	  "keeps none. Prints the chain, \"NAME -> TARGET ...\". A second link\n"
	  "fails with EBUSY, a cycle with ELOOP, a chain longer than\n"
	  "RELQ_MAX_STACK_DEPTH with EMLINK.\n" },
	{ "unlink", cmd_unlink, "unlink NAME",
	  "drop channel NAME's link",
	  "Issues RELQ_IOC_UNLINK on NAME. An unlinked channel gives ENOENT.\n" },
};

#define NR_COMMANDS	ARRAY_SIZE(commands)

static const char exit_status[] =
	"EXIT STATUS\n"
	"\t0  success\n"
	"\t1  the kernel refused; the message names the errno, for example\n"
	"\t   \"relqctl: send demo: EAGAIN (Resource temporarily unavailable)\"\n"
	"\t2  usage error\n"
	"\t3  recv --timeout expired before COUNT messages arrived\n";

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_help(void)
{
	size_t i;

	printf("NAME\n\t%s - manage relq channels and their messages\n\nSYNOPSIS\n", prog);
	for (i = 0; i < NR_COMMANDS; i++)
		printf("\t%s %s\n", prog, commands[i].synopsis);
	printf("\t%s [COMMAND] --help\n\nDESCRIPTION\n"
	       "\tA relq channel is the character device /dev/relq/NAME; write(2)\n"
	       "\tsends one message and read(2) receives one whole message. The\n"
	       "\tcontrol node %s creates, destroys and lists\n"
	       "\tchannels and needs CAP_SYS_ADMIN.\n\nCOMMANDS\n",
	       prog, RELQ_CONTROL);
	for (i = 0; i < NR_COMMANDS; i++)
		printf("\t%-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n%s\nSee '%s COMMAND --help' for each command.\n", exit_status, prog);
}

static void print_command_help(const struct command *c)
{
	const char *p;

	printf("NAME\n\t%s %s - %s\n\nSYNOPSIS\n\t%s %s\n\nDESCRIPTION\n\t",
	       prog, c->name, c->summary, prog, c->synopsis);
	for (p = c->description; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			putchar('\t');
	}
	printf("\n%s", exit_status);
}

/* Report a usage error for command @name and return the usage exit status. */
static int usage_error(const char *name)
{
	const struct command *c = find_command(name);

	fprintf(stderr, "usage: %s %s\nTry '%s %s --help'.\n", prog, c->synopsis,
		prog, name);
	return EXIT_USAGE;
}

static int bad_number(const char *name, const char *arg)
{
	fprintf(stderr, "%s %s: bad number '%s'\n", prog, name, arg);
	return usage_error(name);
}

/* Report a refused call with the errno's name and return 1. */
static int fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (%s)\n", strerrorname_np(err) ?: "?", strerror(err));
	return EXIT_REFUSED;
}

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

/* SIGINT and SIGTERM interrupt blocking calls (no SA_RESTART) and set stop. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Parse an unsigned number in @base (0: C rules) no larger than @max. */
static bool parse_num(const char *s, int base, unsigned long long max,
		      unsigned long long *val)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*val = strtoull(s, &end, base);
	return !errno && !*end && *val <= max;
}

static int open_control(int flags)
{
	int fd = open(RELQ_CONTROL, flags | O_CLOEXEC);

	if (fd < 0)
		exit(fail("open %s", RELQ_CONTROL));
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

/* A name that stays inside /dev/relq/ (the kernel checks the rest). */
static bool channel_name_ok(const char *name)
{
	return *name && strlen(name) < RELQ_NAME_LEN && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* Open /dev/relq/@name; exits 1 with the errno on failure. */
static int open_channel(const char *name, int flags)
{
	char path[sizeof(RELQ_DEV_DIR) + RELQ_NAME_LEN];
	int fd;

	snprintf(path, sizeof(path), RELQ_DEV_DIR "%s", name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		exit(fail("open %s", path));
	return fd;
}

#define HELP_OPTION	{ "help", no_argument, NULL, 'h' }
#define END_OPTIONS	{ NULL, 0, NULL, 0 }

/* An option no command-specific case took: --help (exit 0) or a usage error. */
static int other_opt(int opt, const char *name)
{
	if (opt == 'h') {
		print_command_help(find_command(name));
		return 0;
	}
	return usage_error(name);
}

/* Options of a command that has only --help: an exit status, or -1 to go on. */
static int help_only(int argc, char **argv, const char *name)
{
	static const struct option opts[] = { HELP_OPTION, END_OPTIONS };
	int opt = getopt_long(argc, argv, "h", opts, NULL);

	return opt == -1 ? -1 : other_opt(opt, name);
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "max-msg", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		HELP_OPTION,
		END_OPTIONS,
	};
	struct relq_create c = { .capacity = 65536, .max_msg = 4096 };
	unsigned long long v;
	int opt, fd;
	bool ok;

	while ((opt = getopt_long(argc, argv, "c:m:M:u:g:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ok = parse_num(optarg, 0, UINT64_MAX, &v);
			c.capacity = v;
			break;
		case 'm':
			ok = parse_num(optarg, 0, UINT32_MAX, &v);
			c.max_msg = v;
			break;
		case 'M':
			ok = parse_num(optarg, 8, UINT32_MAX, &v);
			c.mode = v;
			c.flags |= RELQ_CREATE_MODE;
			break;
		case 'u':
			ok = parse_num(optarg, 0, UINT32_MAX, &v);
			c.uid = v;
			c.flags |= RELQ_CREATE_UID;
			break;
		case 'g':
			ok = parse_num(optarg, 0, UINT32_MAX, &v);
			c.gid = v;
			c.flags |= RELQ_CREATE_GID;
			break;
		default:
			return other_opt(opt, "create");
		}
		if (!ok)
			return bad_number("create", optarg);
	}
	if (optind != argc - 1 || set_name(c.name, argv[optind]))
		return usage_error("create");
	fd = open_control(O_RDWR);
	if (ioctl(fd, RELQ_IOC_CREATE, &c))
		return fail("create %s", c.name);
	printf("created /dev/relq/%s (id %u)\n", c.name, c.id);
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	struct relq_destroy d = { 0 };
	int ret, fd;

	ret = help_only(argc, argv, "destroy");
	if (ret >= 0)
		return ret;
	if (optind != argc - 1 || set_name(d.name, argv[optind]))
		return usage_error("destroy");
	fd = open_control(O_RDWR);
	if (ioctl(fd, RELQ_IOC_DESTROY, &d))
		return fail("destroy %s", d.name);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct relq_list l = { 0 };
	struct relq_list_entry *e;
	unsigned int i;
	int ret, fd;

	ret = help_only(argc, argv, "list");
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return usage_error("list");
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

static int get_info(int fd, const char *name, struct relq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, RELQ_IOC_INFO, info))
		return fail("info %s", name);
	return 0;
}

/*
 * The name of channel @id into @name (RELQ_NAME_LEN bytes), from LIST;
 * "#ID" when LIST is not allowed (it needs CAP_SYS_ADMIN) or @id is gone.
 */
static void name_of_id(__u32 id, char *name)
{
	struct relq_list l = { 0 };
	struct relq_list_entry *e = NULL;
	unsigned int i;
	int fd;

	snprintf(name, RELQ_NAME_LEN, "#%u", id);
	fd = open(RELQ_CONTROL, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!ioctl(fd, RELQ_IOC_LIST, &l) && l.count) {
		e = calloc(l.count, sizeof(*e));
		l.capacity = e ? l.count : 0;
		l.entries = (uintptr_t)e;
		if (e && !ioctl(fd, RELQ_IOC_LIST, &l))
			for (i = 0; i < l.count && i < l.capacity; i++)
				if (e[i].id == id)
					snprintf(name, RELQ_NAME_LEN, "%s", e[i].name);
	}
	free(e);
	close(fd);
}

static int cmd_info(int argc, char **argv)
{
	static const char * const states[] = { "live", "dying", "dead" };
	struct relq_info info;
	int ret, fd;

	ret = help_only(argc, argv, "info");
	if (ret >= 0)
		return ret;
	if (optind != argc - 1 || !channel_name_ok(argv[optind]))
		return usage_error("info");
	fd = open_channel(argv[optind], O_RDONLY | O_NONBLOCK);
	if (get_info(fd, argv[optind], &info))
		return EXIT_REFUSED;
	printf("name:      %s\nid:        %u\nstate:     %s\nmode:      %04o\n"
	       "capacity:  %llu\nmax_msg:   %u\ndepth:     %u\nbytes:     %llu\n"
	       "sent:      %llu\nreceived:  %llu\nnext_size: %u\nforwarded: %llu\n",
	       info.name, info.id, info.state < 3 ? states[info.state] : "?", info.mode,
	       (unsigned long long)info.capacity, info.max_msg, info.depth,
	       (unsigned long long)info.bytes, (unsigned long long)info.sent,
	       (unsigned long long)info.received, info.next_size,
	       (unsigned long long)info.forwarded);
	if (info.size >= RELQ_INFO_SIZE_VER2 && (info.link_flags & RELQ_INFO_LINKED)) {
		char lower[RELQ_NAME_LEN];

		name_of_id(info.lower_id, lower);
		printf("lower:     %s (id %u)\n", lower, info.lower_id);
	} else {
		printf("lower:     -\n");
	}
	return 0;
}

/*
 * Print the chain of links from @name down: "a -> b -> c". Each step's
 * INFO names the next channel's id.
 */
static void print_chain(const char *name)
{
	char cur[RELQ_NAME_LEN], path[sizeof(RELQ_DEV_DIR) + RELQ_NAME_LEN];
	struct relq_info info;
	int i, fd, ret;

	snprintf(cur, sizeof(cur), "%s", name);
	printf("%s", cur);
	for (i = 0; i < RELQ_MAX_STACK_DEPTH; i++) {
		snprintf(path, sizeof(path), RELQ_DEV_DIR "%s", cur);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			break;
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		ret = ioctl(fd, RELQ_IOC_INFO, &info);
		close(fd);
		if (ret || info.size < RELQ_INFO_SIZE_VER2 ||
		    !(info.link_flags & RELQ_INFO_LINKED))
			break;
		name_of_id(info.lower_id, cur);
		printf(" -> %s", cur);
		if (cur[0] == '#')
			break;
	}
	putchar('\n');
}

/* One write(2) is one message: all of it or nothing. */
static int send_one(int fd, const char *name, const void *buf, size_t len)
{
	ssize_t n;

	/* A signal between two messages stops the send like one in write(2). */
	if (stopped()) {
		errno = EINTR;
		return fail("send %s", name);
	}
	n = write(fd, buf, len);
	if (n < 0)
		return fail("send %s", name);
	if ((size_t)n != len) {
		fprintf(stderr, "%s: send %s: short write (%zd of %zu bytes)\n",
			prog, name, n, len);
		return EXIT_REFUSED;
	}
	return 0;
}

/* Read all of @path ("-": standard input) into a new buffer. */
static char *slurp(const char *path, size_t *len)
{
	size_t size = 4096;
	char *buf = malloc(size), *p;
	ssize_t n;
	int fd = 0;

	if (strcmp(path, "-"))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	*len = 0;
	while ((n = read(fd, buf + *len, size - *len)) != 0) {
		if (n < 0) {
			if (errno == EINTR && !stopped())
				continue;
			free(buf);
			return NULL;
		}
		*len += n;
		if (*len == size) {
			p = realloc(buf, size * 2);
			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			size *= 2;
		}
	}
	return buf;
}

static int cmd_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonblock", no_argument, NULL, 'N' },
		{ "file", required_argument, NULL, 'f' },
		HELP_OPTION,
		END_OPTIONS,
	};
	const char *file = NULL, *name;
	int opt, fd, flags = O_WRONLY, ret = 0;
	char *line = NULL, *buf;
	size_t cap = 0, len;
	ssize_t n;

	while ((opt = getopt_long(argc, argv, "Nf:h", opts, NULL)) != -1) {
		if (opt == 'N')
			flags |= O_NONBLOCK;
		else if (opt == 'f')
			file = optarg;
		else
			return other_opt(opt, "send");
	}
	if (optind >= argc || !channel_name_ok(argv[optind]) ||
	    (file && optind != argc - 1))
		return usage_error("send");
	name = argv[optind++];
	fd = open_channel(name, flags);
	catch_signals();
	if (file) {
		buf = slurp(file, &len);
		if (!buf)
			return fail("send %s: read %s", name, file);
		ret = send_one(fd, name, buf, len);
		free(buf);
		return ret;
	}
	if (optind < argc) {
		for (; optind < argc && !ret; optind++)
			ret = send_one(fd, name, argv[optind], strlen(argv[optind]));
		return ret;
	}
	while (!ret && (n = getline(&line, &cap, stdin)) >= 0) {
		if (n && line[n - 1] == '\n')
			n--;
		ret = send_one(fd, name, line, n);
	}
	free(line);
	return ret;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Receive one message into @buf. A negative @deadline waits as the fd
 * says (blocking or O_NONBLOCK); otherwise the fd is O_NONBLOCK and
 * poll(2) waits until @deadline (CLOCK_MONOTONIC ms).
 *
 * Return: the message length; -1 with errno set; -2 on timeout.
 */
static ssize_t recv_one(int fd, char *buf, size_t size, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left;
	ssize_t n;

	for (;;) {
		/* A signal that came before the read counts as one during it. */
		if (stopped()) {
			errno = EINTR;
			return -1;
		}
		n = read(fd, buf, size);
		if (n >= 0 || errno != EAGAIN || deadline < 0)
			return n;
		left = deadline - now_ms();
		if (left <= 0)
			return -2;
		if (poll(&pfd, 1, left) < 0)
			return -1;
	}
}

/* Print one received message as recv does. */
static int print_message(const char *name, const char *buf, size_t n, bool raw)
{
	if (fwrite(buf, 1, n, stdout) != n || (!raw && putchar('\n') == EOF) ||
	    fflush(stdout))
		return fail("recv %s: write to standard output", name);
	return 0;
}

/*
 * recv --async: @count RECVs pended at once on one io_uring, each with its
 * own @size-byte buffer; their messages are printed in completion order.
 * Leaving early (timeout, signal, error) tears the ring down, which
 * cancels the RECVs still pended (-ECANCELED): they consume nothing.
 */
static int recv_async(int fd, const char *name, unsigned int count, size_t size,
		      bool timed, unsigned long long timeout, bool raw)
{
	unsigned int i, done = 0, entries = count < 4096 ? count : 4096;
	long long deadline = now_ms() + (long long)timeout, left;
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct relq_recv *rc;
	struct io_uring ring;
	char *bufs;
	int ret;

	bufs = calloc(count, size ? size : 1);
	if (!bufs)
		return fail("recv %s: malloc", name);
	ret = io_uring_queue_init(entries, &ring, 0);
	if (ret) {
		errno = -ret;
		return fail("recv %s: io_uring_queue_init", name);
	}
	for (i = 0; i < count; i++) {
		sqe = io_uring_get_sqe(&ring);
		if (!sqe) {
			ret = io_uring_submit(&ring);
			if (ret < 0)
				break;
			sqe = io_uring_get_sqe(&ring);
		}
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
		sqe->cmd_op = RELQ_URING_RECV;
		sqe->user_data = i;
		rc = (struct relq_recv *)sqe->cmd;
		memset(rc, 0, sizeof(*rc));
		rc->addr = (uintptr_t)(bufs + (size_t)i * size);
		rc->len = size;
	}
	ret = io_uring_submit(&ring);
	if (ret < 0) {
		errno = -ret;
		return fail("recv %s: io_uring_submit", name);
	}
	fprintf(stderr, "%s: recv %s: pended %u\n", prog, name, count);
	while (done < count) {
		if (timed) {
			left = deadline - now_ms();
			if (left <= 0) {
				ret = -ETIME;
			} else {
				ts.tv_sec = left / 1000;
				ts.tv_nsec = (left % 1000) * 1000000;
				ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
			}
		} else {
			ret = io_uring_wait_cqe(&ring, &cqe);
		}
		if (ret == -ETIME) {
			fprintf(stderr, "%s: recv %s: timed out after %llu ms (got %u of %u)\n",
				prog, name, timeout, done, count);
			return EXIT_TIMEOUT;
		}
		if (!ret && stopped())
			ret = -EINTR;
		if (ret) {
			errno = -ret;
			return fail("recv %s", name);
		}
		ret = cqe->res;
		i = cqe->user_data;
		io_uring_cqe_seen(&ring, cqe);
		if (ret < 0) {
			errno = -ret;
			return fail("recv %s", name);
		}
		if (i >= count || print_message(name, bufs + (size_t)i * size, ret, raw))
			return EXIT_REFUSED;
		done++;
	}
	io_uring_queue_exit(&ring);
	free(bufs);
	return 0;
}

static int cmd_recv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "nonblock", no_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "raw", no_argument, NULL, 'r' },
		{ "async", no_argument, NULL, 'a' },
		HELP_OPTION,
		END_OPTIONS,
	};
	unsigned long long count = 1, timeout = 0, i;
	bool nonblock = false, raw = false, timed = false, async = false;
	long long deadline = -1;
	struct relq_info info;
	const char *name;
	int opt, fd;
	ssize_t n;
	char *buf;

	while ((opt = getopt_long(argc, argv, "n:Nt:rh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_num(optarg, 10, UINT32_MAX, &count) || !count)
				return bad_number("recv", optarg);
			break;
		case 'N':
			nonblock = true;
			break;
		case 't':
			if (!parse_num(optarg, 10, INT32_MAX, &timeout))
				return bad_number("recv", optarg);
			timed = true;
			break;
		case 'r':
			raw = true;
			break;
		case 'a':
			async = true;
			break;
		default:
			return other_opt(opt, "recv");
		}
	}
	if (optind != argc - 1 || !channel_name_ok(argv[optind]) ||
	    (nonblock && (timed || async)))
		return usage_error("recv");
	name = argv[optind];
	/* With a timeout, read never blocks: poll(2) does the waiting. */
	fd = open_channel(name, O_RDONLY | (nonblock || (timed && !async) ? O_NONBLOCK : 0));
	if (get_info(fd, name, &info))
		return EXIT_REFUSED;
	buf = malloc(info.max_msg ? info.max_msg : 1);
	if (!buf)
		return fail("recv %s: malloc", name);
	catch_signals();
	if (async)
		return recv_async(fd, name, count, info.max_msg, timed, timeout, raw);
	if (timed)
		deadline = now_ms() + timeout;
	for (i = 0; i < count; i++) {
		n = recv_one(fd, buf, info.max_msg, deadline);
		if (n == -2) {
			fprintf(stderr, "%s: recv %s: timed out after %llu ms (got %llu of %llu)\n",
				prog, name, timeout, i, count);
			return EXIT_TIMEOUT;
		}
		if (n < 0)
			return fail("recv %s", name);
		if (!n) {
			fprintf(stderr, "%s: recv %s: unexpected end of file\n", prog, name);
			return EXIT_REFUSED;
		}
		if (print_message(name, buf, n, raw))
			return EXIT_REFUSED;
	}
	free(buf);
	return 0;
}

/* Copy the status page under its sequence count. */
static void read_status(const struct relq_status *page, struct relq_status *st)
{
	uint32_t seq;

	do {
		/* Pairs with the kernel's smp_wmb()s in relq_status_update(). */
		seq = __atomic_load_n(&page->seq, __ATOMIC_ACQUIRE);
		memcpy(st, page, sizeof(*st));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || seq != __atomic_load_n(&page->seq, __ATOMIC_RELAXED));
}

/* The readiness poll(2) reports right now. */
static short poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&pfd, 1, 0) < 0 ? -1 : pfd.revents;
}

/*
 * The readiness and the status page as of one moment. poll(2) and the
 * page both read state the kernel changes under one lock, so a page that
 * did not change (same seq) across the poll belongs with its mask.
 */
static int snapshot(int fd, const struct relq_status *page, struct relq_status *st,
		    short *mask)
{
	uint32_t seq;

	read_status(page, st);
	do {
		seq = st->seq;
		*mask = poll_now(fd);
		if (*mask < 0)
			return -1;
		read_status(page, st);
	} while (st->seq != seq);
	return 0;
}

static void print_state(const char *what, const struct relq_status *st, short mask)
{
	static const char * const states[] = { "live", "dying", "dead" };
	static const struct { short bit; const char *name; } bits[] = {
		{ POLLIN, "POLLIN" }, { POLLOUT, "POLLOUT" },
		{ POLLHUP, "POLLHUP" }, { POLLERR, "POLLERR" },
	};
	const char *sep = "";
	size_t i;

	printf("%s: state=%s depth=%u bytes=%llu sent=%llu received=%llu poll=", what,
	       st->state < 3 ? states[st->state] : "?", st->depth,
	       (unsigned long long)st->bytes, (unsigned long long)st->sent,
	       (unsigned long long)st->received);
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (mask & bits[i].bit) {
			printf("%s%s", sep, bits[i].name);
			sep = "|";
		}
	}
	printf("%s\n", *sep ? "" : "0");
	fflush(stdout);
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		HELP_OPTION,
		END_OPTIONS,
	};
	unsigned long long count = 0, interval = 200, events = 0;
	const struct relq_status *page;
	struct relq_status prev, cur;
	short prev_mask, mask;
	struct pollfd pfd;
	const char *name;
	char what[32];
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "n:i:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_num(optarg, 10, UINT32_MAX, &count) || !count)
				return bad_number("watch", optarg);
			break;
		case 'i':
			if (!parse_num(optarg, 10, INT32_MAX, &interval) || !interval)
				return bad_number("watch", optarg);
			break;
		default:
			return other_opt(opt, "watch");
		}
	}
	if (optind != argc - 1 || !channel_name_ok(argv[optind]))
		return usage_error("watch");
	name = argv[optind];
	fd = open_channel(name, O_RDONLY | O_NONBLOCK);
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		return fail("watch %s: mmap", name);
	catch_signals();
	if (snapshot(fd, page, &prev, &prev_mask))
		return fail("watch %s: poll", name);
	print_state("initial", &prev, prev_mask);
	while (!stopped() && !(prev_mask & (POLLHUP | POLLERR)) &&
	       (!count || events < count)) {
		/* Sleep until a missing bit appears; bits that go are seen per interval. */
		pfd = (struct pollfd){ .fd = fd, .events = (POLLIN | POLLOUT) & ~prev_mask };
		if (poll(&pfd, 1, interval) < 0) {
			if (errno == EINTR && stopped())
				break;
			return fail("watch %s: poll", name);
		}
		if (snapshot(fd, page, &cur, &mask))
			return fail("watch %s: poll", name);
		if (mask == prev_mask && cur.seq == prev.seq)
			continue;
		snprintf(what, sizeof(what), "event %llu", ++events);
		print_state(what, &cur, mask);
		prev = cur;
		prev_mask = mask;
	}
	if (prev_mask & (POLLHUP | POLLERR))
		printf("hangup: /dev/relq/%s was destroyed\n", name);
	return 0;
}

static int cmd_link(int argc, char **argv)
{
	struct relq_link l = { 0 };
	int ret, upper;

	ret = help_only(argc, argv, "link");
	if (ret >= 0)
		return ret;
	if (optind != argc - 2 || !channel_name_ok(argv[optind]) ||
	    !channel_name_ok(argv[optind + 1]))
		return usage_error("link");
	upper = open_channel(argv[optind], O_WRONLY | O_NONBLOCK);
	/*
	 * Not O_NONBLOCK: relq forwards through this very file, so its flags
	 * would make every forwarded write non-blocking.
	 */
	l.fd = open_channel(argv[optind + 1], O_WRONLY);
	if (ioctl(upper, RELQ_IOC_LINK, &l))
		return fail("link %s %s", argv[optind], argv[optind + 1]);
	/* relq holds its own reference to the lower file: the fd may go. */
	close(l.fd);
	print_chain(argv[optind]);
	return 0;
}

static int cmd_unlink(int argc, char **argv)
{
	int ret, fd;

	ret = help_only(argc, argv, "unlink");
	if (ret >= 0)
		return ret;
	if (optind != argc - 1 || !channel_name_ok(argv[optind]))
		return usage_error("unlink");
	fd = open_channel(argv[optind], O_WRONLY | O_NONBLOCK);
	if (ioctl(fd, RELQ_IOC_UNLINK))
		return fail("unlink %s", argv[optind]);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	static char who[64];

	if (argc < 2) {
		fprintf(stderr, "usage: %s COMMAND [ARGS...]\nTry '%s --help'.\n", prog, prog);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		print_help();
		return 0;
	}
	if (!strcmp(argv[1], "help") && argc == 3 && find_command(argv[2])) {
		print_command_help(find_command(argv[2]));
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", prog,
			argv[1], prog);
		return EXIT_USAGE;
	}
	/* getopt's own messages then read "relqctl send: ...". */
	snprintf(who, sizeof(who), "%s %s", prog, c->name);
	argv[1] = who;
	return c->run(argc - 1, argv + 1);
}
