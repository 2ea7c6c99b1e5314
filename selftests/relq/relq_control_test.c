// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for relq's control node, /dev/relq-control: its node
 * attributes, the operations it does not support, and the CREATE,
 * DESTROY and LIST commands with their names, limits, reserved fields,
 * user pointers, access modes and privilege checks; the module
 * parameters; and the device-number rules of channel nodes.
 *
 * Run as root with relq.ko loaded; without the module or without root,
 * every test is skipped. Channels, parameters and temporary nodes a test
 * changes are restored by the fixture's teardown, even after a failure.
 */
#include <dirent.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define RELQ_CTL_MAX_TRACKED	64
#define RELQ_CTL_MAX_PARAMS	3

/* What a test changed, for the teardown to undo even after a failure. */
struct relq_ctl_state {
	/* Channels the test may have left (ENOENT is fine). */
	int ntracked;
	char tracked[RELQ_CTL_MAX_TRACKED][RELQ_NAME_LEN];
	/* Module parameters to restore. */
	int nparams;
	char param[RELQ_CTL_MAX_PARAMS][32];
	unsigned long long param_val[RELQ_CTL_MAX_PARAMS];
	/* The device nodes made in a temporary directory. */
	struct relq_nodes nodes;
};

FIXTURE(control) {
	int fd;
	struct relq_ctl_state st;
};

FIXTURE_SETUP(control)
{
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's control tests need root");
	memset(&self->st, 0, sizeof(self->st));
	self->fd = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(control)
{
	struct relq_ctl_state *st = &self->st;
	int i;

	for (i = 0; i < st->ntracked; i++)
		relq_destroy(self->fd, st->tracked[i]);
	for (i = 0; i < st->nparams; i++)
		relq_param_write_ull(st->param[i], st->param_val[i]);
	relq_nodes_remove(&st->nodes);
	close(self->fd);
}

/* Remember @name so that the teardown destroys it (ENOENT is fine). */
static void relq_ctl_track(struct relq_ctl_state *st, const char *name)
{
	if (st->ntracked < RELQ_CTL_MAX_TRACKED)
		snprintf(st->tracked[st->ntracked++], RELQ_NAME_LEN, "%s", name);
}

/* CREATE a tracked channel with a unique name; 0 or an errno. */
static int relq_ctl_create(int ctl, struct relq_ctl_state *st,
			   const char *tag, __u64 capacity, __u32 max_msg,
			   char name[RELQ_NAME_LEN], __u32 *id)
{
	relq_unique_name(name, tag);
	relq_ctl_track(st, name);
	return relq_create(ctl, name, capacity, max_msg, id);
}

/* DESTROY @name and forget it once destroyed; 0 or an errno. */
static int relq_ctl_destroy(int ctl, struct relq_ctl_state *st,
			    const char *name)
{
	int i, err = relq_destroy(ctl, name);

	for (i = 0; !err && i < st->ntracked; i++) {
		if (!strncmp(st->tracked[i], name, RELQ_NAME_LEN)) {
			memcpy(st->tracked[i], st->tracked[--st->ntracked],
			       RELQ_NAME_LEN);
			break;
		}
	}
	return err;
}

/* Save module parameter @param once, for the teardown to restore. */
static int relq_ctl_save_param(struct relq_ctl_state *st, const char *param,
			       unsigned long long *val)
{
	int i, err;

	err = relq_param_read(param, val);
	if (err)
		return err;
	for (i = 0; i < st->nparams; i++)
		if (!strcmp(st->param[i], param))
			return 0;
	if (st->nparams == RELQ_CTL_MAX_PARAMS) {
		errno = ENOSPC;
		return errno;
	}
	snprintf(st->param[st->nparams], sizeof(st->param[0]), "%s", param);
	st->param_val[st->nparams++] = *val;
	return 0;
}

/* A valid CREATE argument for @name. */
static void relq_ctl_create_arg(struct relq_create *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->capacity = 4096;
	c->max_msg = 64;
}

/* T-SEC-1 (control half): a root-only character device, never o+w. */
TEST_F(control, t_sec_1_control_node_mode)
{
	struct stat st;
	char sysdev[64];
	unsigned int maj, min;
	FILE *f;

	ASSERT_EQ(0, stat(RELQ_CONTROL_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);

	/* The node is the misc device the kernel registered, not a stray. */
	f = fopen("/sys/class/misc/relq-control/dev", "r");
	ASSERT_TRUE(!!f);
	ASSERT_EQ(2, fscanf(f, "%u:%u", &maj, &min));
	fclose(f);
	snprintf(sysdev, sizeof(sysdev), "%u:%u", maj, min);
	EXPECT_EQ(maj, major(st.st_rdev)) TH_LOG("sysfs says %s", sysdev);
	EXPECT_EQ(min, minor(st.st_rdev));
}

/* Whether @cmd is one of the three commands the control node serves. */
static bool relq_is_control_cmd(unsigned long cmd)
{
	return cmd == RELQ_IOC_CREATE || cmd == RELQ_IOC_DESTROY ||
	       cmd == RELQ_IOC_LIST;
}

/*
 * T-IOC-1 (control half): every command with relq's magic that is not a
 * control command (INFO included), in every direction and with sizes
 * around relq's structs, and random 32-bit commands, give ENOTTY. The argument points
 * at a real buffer, so a handler that wrongly accepted the command could
 * not hide behind EFAULT.
 */
TEST_F(control, t_ioc_1_unknown_ioctl_enotty)
{
	static const unsigned int sizes[] = {
		0, 1, 8, 64, 16383,
		sizeof(struct relq_create) - 1, sizeof(struct relq_create),
		sizeof(struct relq_create) + 1,
		sizeof(struct relq_destroy) - 1, sizeof(struct relq_destroy),
		sizeof(struct relq_destroy) + 1,
		sizeof(struct relq_list) - 1, sizeof(struct relq_list),
		sizeof(struct relq_list) + 1,
	};
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	static char buf[16384];
	unsigned int nr, d, s, i, seed;
	unsigned int state;

	for (nr = 0; nr < 256; nr++)
		for (d = 0; d < ARRAY_SIZE(dirs); d++)
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				unsigned long cmd = _IOC(dirs[d], RELQ_IOC_MAGIC,
							 nr, sizes[s]);

				if (relq_is_control_cmd(cmd))
					continue;
				errno = 0;
				ASSERT_EQ(-1, ioctl(self->fd, cmd, buf))
					TH_LOG("cmd %#lx", cmd);
				ASSERT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmd);
			}

	seed = relq_test_seed();
	state = seed ? seed : 1;
	TH_LOG("random commands: RELQ_SEED=%u", seed);
	for (i = 0; i < 100000; i++) {
		unsigned int cmd = relq_rand(&state);

		/* Generic VFS ioctls are handled before the driver sees them. */
		if (_IOC_TYPE(cmd) != RELQ_IOC_MAGIC)
			cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
			      RELQ_IOC_MAGIC << _IOC_TYPESHIFT;
		if (relq_is_control_cmd(cmd))
			continue;
		errno = 0;
		ASSERT_EQ(-1, ioctl(self->fd, cmd, buf)) TH_LOG("cmd %#x", cmd);
		ASSERT_EQ(ENOTTY, errno) TH_LOG("cmd %#x", cmd);
	}
}

/*
 * T-CPL-1 (control half): the control node has no read, write, mmap or
 * seek; the kernel's answer for a missing operation is returned, never a
 * fake success.
 */
TEST_F(control, t_cpl_1_control_unsupported_ops)
{
	char buf[16] = { 0 };
	void *p;

	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

/*
 * T-IOC-2: CREATE and DESTROY need a writable fd, LIST a readable one,
 * else EBADF, checked before the argument is read and changing nothing;
 * INFO works on channel fds of every access mode.
 */
TEST_F(control, t_ioc_2_access_mode_ebadf)
{
	static const int modes[] = { O_RDONLY, O_WRONLY };
	char name[RELQ_NAME_LEN], nname[RELQ_NAME_LEN];
	struct relq_list_entry e[4];
	struct relq_create c;
	struct relq_info info;
	unsigned int i;
	__u32 id, n;
	long count;
	int ro, wo, fd;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, &id));
	count = relq_list_count(self->fd);
	ASSERT_LE(1, count);
	ro = open(RELQ_CONTROL_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	wo = open(RELQ_CONTROL_PATH, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo);

	relq_unique_name(nname, "n");
	relq_ctl_track(&self->st, nname);
	relq_ctl_create_arg(&c, nname);
	EXPECT_EQ(EBADF, relq_create_raw(ro, &c));
	EXPECT_EQ(EBADF, relq_err(ioctl(ro, RELQ_IOC_CREATE, NULL)));
	EXPECT_EQ(EBADF, relq_destroy(ro, name));
	EXPECT_EQ(EBADF, relq_err(ioctl(ro, RELQ_IOC_DESTROY, NULL)));
	EXPECT_FALSE(relq_node_exists(nname));
	EXPECT_TRUE(relq_node_exists(name));
	EXPECT_EQ(0, relq_list(ro, NULL, 0, &n));
	EXPECT_EQ(count, n);

	EXPECT_EQ(EBADF, relq_list(wo, e, ARRAY_SIZE(e), &n));
	EXPECT_EQ(EBADF, relq_err(ioctl(wo, RELQ_IOC_LIST, NULL)));
	EXPECT_EQ(count, relq_list_count(self->fd));

	/* The command is checked before the access mode. */
	EXPECT_EQ(ENOTTY, relq_err(ioctl(ro, _IOW(RELQ_IOC_MAGIC, 0x00, __u64),
					 &c)));
	EXPECT_EQ(ENOTTY, relq_err(ioctl(wo, RELQ_IOC_INFO, &info)));

	/* The modes that suffice. */
	EXPECT_EQ(0, relq_create(wo, nname, 4096, 64, NULL));
	EXPECT_TRUE(relq_node_exists(nname));
	EXPECT_EQ(0, relq_destroy(wo, nname));
	EXPECT_FALSE(relq_node_exists(nname));

	/* INFO needs neither mode. */
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		fd = relq_open(name, modes[i]);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, relq_info(fd, &info)) TH_LOG("mode %#x", modes[i]);
		EXPECT_EQ(id, info.id);
		close(fd);
	}
	close(wo);
	close(ro);
}

/* Become uid/gid 65534 with no supplementary groups; 0 or an errno. */
static int relq_become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return errno;
	return 0;
}

/*
 * T-SEC-3: root makes a 0666 node with the control's device number; a
 * child without capabilities (uid 0 with an empty capability set, and
 * uid 65534) opens it and gets EPERM from CREATE, DESTROY and LIST; no
 * channel appears or goes.
 */
TEST_F(control, t_sec_3_alternate_node_eperm)
{
	char path[96], name[RELQ_NAME_LEN], nname[RELQ_NAME_LEN];
	struct relq_create c;
	struct stat st;
	unsigned int how;
	long count;
	int *res, err;
	pid_t pid;

	ASSERT_EQ(0, stat(RELQ_CONTROL_PATH, &st));
	err = relq_nodes_mknod(&self->st.nodes, st.st_rdev, path, sizeof(path));
	ASSERT_EQ(0, err) TH_LOG("mknod: %s", strerror(err));
	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "t", 4096, 64, name, NULL));
	relq_unique_name(nname, "n");
	relq_ctl_track(&self->st, nname);
	relq_ctl_create_arg(&c, nname);
	count = relq_list_count(self->fd);
	res = relq_shared_ints(2 * 5);
	ASSERT_TRUE(!!res);

	for (how = 0; how < 2; how++) {
		int *r = res + 5 * how;

		memset(r, 0xff, 5 * sizeof(int));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			int fd;
			__u32 n;

			r[0] = how ? relq_become_nobody() : relq_drop_caps();
			if (r[0])
				_exit(1);
			fd = open(path, O_RDWR | O_CLOEXEC);
			r[1] = fd < 0 ? errno : 0;
			if (fd < 0)
				_exit(1);
			r[2] = relq_create_raw(fd, &c);
			r[3] = relq_destroy(fd, name);
			r[4] = relq_list(fd, NULL, 0, &n);
			_exit(0);
		}
		EXPECT_EQ(0, relq_wait_child(pid));
		TH_LOG("%s: open %d CREATE %d DESTROY %d LIST %d",
		       how ? "uid 65534" : "uid 0 without capabilities",
		       r[1], r[2], r[3], r[4]);
		EXPECT_EQ(0, r[0]) TH_LOG("dropping privileges failed");
		EXPECT_EQ(0, r[1]) TH_LOG("open of the alternate node failed");
		EXPECT_EQ(EPERM, r[2]);
		EXPECT_EQ(EPERM, r[3]);
		EXPECT_EQ(EPERM, r[4]);
	}
	munmap(res, 2 * 5 * sizeof(int));

	EXPECT_EQ(count, relq_list_count(self->fd));
	EXPECT_FALSE(relq_list_has(self->fd, nname, NULL));
	EXPECT_FALSE(relq_node_exists(nname));
	EXPECT_TRUE(relq_list_has(self->fd, name, NULL));
}

/* relq's debugfs files, collected by an nftw() walk as root. */
#define RELQ_ERR3_MAX	64
static char relq_err3_files[RELQ_ERR3_MAX][128];
static int relq_err3_nfiles, relq_err3_writable;

static int relq_err3_walk_fn(const char *path, const struct stat *st,
			     int type, struct FTW *ftw)
{
	if (type != FTW_F)
		return 0;
	if (st->st_mode & 0222)
		relq_err3_writable++;
	if (relq_err3_nfiles < RELQ_ERR3_MAX)
		snprintf(relq_err3_files[relq_err3_nfiles++], 128, "%s", path);
	return 0;
}

/*
 * T-ERR-3: uid 65534 through a 0666 copy of the control node gets EPERM
 * from CREATE, DESTROY and LIST, and cannot open any of relq's debugfs
 * files for writing (EACCES, or EPERM); the production module has no
 * writable debugfs file at all (the test build's race-window hooks are
 * root-only, 0600). Without debugfs the debugfs part SKIPs.
 */
TEST_F(control, t_err_3_unprivileged_knobs)
{
	char path[96], name[RELQ_NAME_LEN];
	struct relq_create c;
	struct stat st;
	int *r, i, err, test_build;
	pid_t pid;

	ASSERT_EQ(0, stat(RELQ_CONTROL_PATH, &st));
	err = relq_nodes_mknod(&self->st.nodes, st.st_rdev, path, sizeof(path));
	ASSERT_EQ(0, err) TH_LOG("mknod: %s", strerror(err));
	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "e3", 4096, 64, name, NULL));
	relq_err3_nfiles = 0;
	relq_err3_writable = 0;
	if (!access(RELQ_DEBUGFS_DIR, F_OK))
		ASSERT_EQ(0, nftw(RELQ_DEBUGFS_DIR, relq_err3_walk_fn, 8, FTW_PHYS));
	r = relq_shared_ints(5 + RELQ_ERR3_MAX);
	ASSERT_TRUE(!!r);
	memset(r, 0xff, (5 + RELQ_ERR3_MAX) * sizeof(int));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;
		__u32 n;

		r[0] = relq_become_nobody();
		if (r[0])
			_exit(1);
		fd = open(path, O_RDWR | O_CLOEXEC);
		r[1] = fd < 0 ? errno : 0;
		if (fd >= 0) {
			relq_ctl_create_arg(&c, "err3-nobody");
			r[2] = relq_create_raw(fd, &c);
			r[3] = relq_destroy(fd, name);
			r[4] = relq_list(fd, NULL, 0, &n);
		}
		for (i = 0; i < relq_err3_nfiles; i++) {
			fd = open(relq_err3_files[i], O_WRONLY | O_CLOEXEC);
			r[5 + i] = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
		}
		_exit(0);
	}
	EXPECT_EQ(0, relq_wait_child(pid));
	EXPECT_EQ(0, r[0]) TH_LOG("dropping privileges failed");
	EXPECT_EQ(0, r[1]) TH_LOG("open of the alternate node failed");
	EXPECT_EQ(EPERM, r[2]);
	EXPECT_EQ(EPERM, r[3]);
	EXPECT_EQ(EPERM, r[4]);
	EXPECT_TRUE(relq_list_has(self->fd, name, NULL));
	for (i = 0; i < relq_err3_nfiles; i++)
		EXPECT_TRUE(r[5 + i] == EACCES || r[5 + i] == EPERM)
			TH_LOG("uid 65534 opened %s for writing: %s", relq_err3_files[i],
			       strerror(r[5 + i]));
	munmap(r, (5 + RELQ_ERR3_MAX) * sizeof(int));
	if (!relq_err3_nfiles)
		SKIP(return, "%s: no files (debugfs not mounted?): the debugfs part could not run",
		     RELQ_DEBUGFS_DIR);
	test_build = relq_module_is_test_build();
	ASSERT_LE(0, test_build) TH_LOG("/sys/module/relq/taint is unreadable");
	TH_LOG("%d debugfs files, %d writable by root (%s build)", relq_err3_nfiles,
	       relq_err3_writable, test_build ? "test" : "production");
	if (!test_build)
		EXPECT_EQ(0, relq_err3_writable);
}

/*
 * T-BUF-1: every pointer ioctl with NULL, with its struct straddling a
 * PROT_NONE page, and with a read-only output gives EFAULT: CREATE,
 * DESTROY and LIST here, INFO and FIONREAD on a channel. A faulting
 * CREATE leaves no channel; nothing else changes.
 */
TEST_F(control, t_buf_1_bad_pointers_efault)
{
	size_t pg = relq_page_size();
	char name[RELQ_NAME_LEN], nname[RELQ_NAME_LEN], bname[RELQ_NAME_LEN];
	struct relq_create c;
	struct relq_destroy d;
	struct relq_list l;
	struct relq_info info;
	unsigned char *p, *ro;
	long count;
	int ch;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "b", 4096, 64, bname, NULL));
	ch = relq_open(name, O_RDWR);
	ASSERT_LE(0, ch);
	count = relq_list_count(self->fd);
	ASSERT_LE(2, count);
	ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);

	/* CREATE. */
	relq_unique_name(nname, "n");
	relq_ctl_track(&self->st, nname);
	relq_ctl_create_arg(&c, nname);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_CREATE, NULL)));
	p = relq_guard_alloc(sizeof(c) - 8);
	ASSERT_TRUE(!!p);
	memcpy(p, &c, sizeof(c) - 8);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_CREATE, p)));
	relq_guard_free(p, sizeof(c) - 8);
	memcpy(ro, &c, sizeof(c));
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_CREATE, ro)))
		TH_LOG("CREATE could not write the id back");
	EXPECT_FALSE(relq_node_exists(nname)) TH_LOG("a faulting CREATE left a node");
	EXPECT_FALSE(relq_list_has(self->fd, nname, NULL));
	EXPECT_EQ(count, relq_list_count(self->fd));

	/* DESTROY reads its argument only: a read-only one is fine. */
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, NULL)));
	p = relq_guard_alloc(sizeof(d) - 4);
	ASSERT_TRUE(!!p);
	memcpy(p, &d, sizeof(d) - 4);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, p)));
	relq_guard_free(p, sizeof(d) - 4);
	EXPECT_TRUE(relq_node_exists(name));
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ | PROT_WRITE));
	memset(ro, 0, pg);
	snprintf(((struct relq_destroy *)ro)->name, RELQ_NAME_LEN, "%s", bname);
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ));
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, ro)));
	EXPECT_FALSE(relq_node_exists(bname));
	count--;

	/* LIST writes count: a read-only argument faults. */
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ | PROT_WRITE));
	memset(ro, 0, pg);
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ));
	memset(&l, 0, sizeof(l));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, NULL)));
	p = relq_guard_alloc(sizeof(l) - 4);
	ASSERT_TRUE(!!p);
	memcpy(p, &l, sizeof(l) - 4);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, p)));
	relq_guard_free(p, sizeof(l) - 4);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, ro)));
	EXPECT_EQ(count, relq_list_count(self->fd));

	/* INFO: NULL, straddling, read-only; VER0 right before the guard works. */
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ | PROT_WRITE));
	memset(ro, 0, pg);
	((struct relq_info *)ro)->size = sizeof(info);
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ));
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, RELQ_IOC_INFO, NULL)));
	p = relq_guard_alloc(RELQ_INFO_SIZE_VER1 - 8);
	ASSERT_TRUE(!!p);
	((struct relq_info *)p)->size = RELQ_INFO_SIZE_VER1;
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, RELQ_IOC_INFO, p)));
	relq_guard_free(p, RELQ_INFO_SIZE_VER1 - 8);
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, RELQ_IOC_INFO, ro)));
	p = relq_guard_alloc(RELQ_INFO_SIZE_VER0);
	ASSERT_TRUE(!!p);
	((struct relq_info *)p)->size = RELQ_INFO_SIZE_VER0;
	EXPECT_EQ(0, relq_err(ioctl(ch, RELQ_IOC_INFO, p)))
		TH_LOG("INFO touched more than a VER0 caller's struct");
	relq_guard_free(p, RELQ_INFO_SIZE_VER0);

	/* FIONREAD writes an int. */
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, FIONREAD, NULL)));
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, FIONREAD, ro)));
	p = relq_guard_alloc(2);
	ASSERT_TRUE(!!p);
	EXPECT_EQ(EFAULT, relq_err(ioctl(ch, FIONREAD, p)));
	relq_guard_free(p, 2);

	/* Nothing changed. */
	ASSERT_EQ(0, relq_info(ch, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.sent);
	EXPECT_EQ(count, relq_list_count(self->fd));
	EXPECT_TRUE(relq_node_exists(name));
	munmap(ro, pg);
	close(ch);
}

/*
 * T-STR-3: CREATE and DESTROY whose argument ends exactly at a page
 * boundary before a PROT_NONE page, with the name field full of non-NUL
 * bytes, give ENAMETOOLONG; the same struct one byte further, into the
 * guard page, gives EFAULT; no node appears.
 */
TEST_F(control, t_str_3_name_at_page_boundary)
{
	struct relq_create c;
	struct relq_destroy d;
	unsigned char *p;
	long count;

	count = relq_list_count(self->fd);
	ASSERT_LE(0, count);
	memset(&c, 0, sizeof(c));
	memset(c.name, 'a', sizeof(c.name));
	c.capacity = 4096;
	c.max_msg = 64;
	memset(&d, 0, sizeof(d));
	memset(d.name, 'a', sizeof(d.name));

	p = relq_guard_alloc(sizeof(c));
	ASSERT_TRUE(!!p);
	memcpy(p, &c, sizeof(c));
	EXPECT_EQ(ENAMETOOLONG, relq_err(ioctl(self->fd, RELQ_IOC_CREATE, p)));
	relq_guard_free(p, sizeof(c));
	p = relq_guard_alloc(sizeof(c) - 1);
	ASSERT_TRUE(!!p);
	memcpy(p, &c, sizeof(c) - 1);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_CREATE, p)));
	relq_guard_free(p, sizeof(c) - 1);

	p = relq_guard_alloc(sizeof(d));
	ASSERT_TRUE(!!p);
	memcpy(p, &d, sizeof(d));
	EXPECT_EQ(ENAMETOOLONG, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, p)));
	relq_guard_free(p, sizeof(d));
	p = relq_guard_alloc(sizeof(d) - 1);
	ASSERT_TRUE(!!p);
	memcpy(p, &d, sizeof(d) - 1);
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, p)));
	relq_guard_free(p, sizeof(d) - 1);

	EXPECT_EQ(count, relq_list_count(self->fd));
}

/*
 * T-STR-4: empty names, bad characters, "." and ".." give EINVAL; a
 * 31-character name works once, then EEXIST; bytes after the NUL are
 * ignored; a failure leaves no channel.
 */
TEST_F(control, t_str_4_bad_names)
{
	static const char * const bad[] = {
		"", "UPPER", "kstA", "a/b", ".", "..", "a b", "a\x80", "\xff",
		"a:b", "a\\b", "a\n", "a*", "a+b",
	};
	char name[RELQ_NAME_LEN], path[64];
	struct relq_create c;
	struct stat st;
	unsigned int i;
	long count;
	__u32 id;

	count = relq_list_count(self->fd);
	ASSERT_LE(0, count);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		relq_ctl_create_arg(&c, bad[i]);
		EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c))
			TH_LOG("name \"%s\"", bad[i]);
		EXPECT_EQ(count, relq_list_count(self->fd));
		if (bad[i][0] && strcmp(bad[i], ".") && strcmp(bad[i], ".."))
			EXPECT_FALSE(relq_node_exists(bad[i]));
	}

	/* 31 characters: the longest name. */
	relq_unique_name(name, "l");
	memset(name + strlen(name), 'z', RELQ_NAME_LEN - 1 - strlen(name));
	name[RELQ_NAME_LEN - 1] = '\0';
	relq_ctl_track(&self->st, name);
	relq_ctl_create_arg(&c, name);
	memcpy(c.name, name, RELQ_NAME_LEN);
	EXPECT_EQ(0, relq_create_raw(self->fd, &c));
	id = c.id;
	EXPECT_TRUE(relq_node_exists(name));
	relq_channel_path(path, sizeof(path), name);
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	c.id = 0;
	EXPECT_EQ(EEXIST, relq_create_raw(self->fd, &c));
	EXPECT_EQ(count + 1, relq_list_count(self->fd));
	EXPECT_TRUE(relq_list_has(self->fd, name, &c.id));
	EXPECT_EQ(id, c.id);

	/* Bytes after the terminator are ignored. */
	relq_unique_name(name, "g");
	relq_ctl_track(&self->st, name);
	relq_ctl_create_arg(&c, name);
	memset(c.name + strlen(name) + 1, 'X', RELQ_NAME_LEN - strlen(name) - 1);
	EXPECT_EQ(0, relq_create_raw(self->fd, &c));
	EXPECT_TRUE(relq_node_exists(name));
	EXPECT_TRUE(relq_list_has(self->fd, name, NULL));
	EXPECT_EQ(count + 2, relq_list_count(self->fd));
}

/*
 * T-STR-6: names returned by INFO and LIST into 0xA5-filled buffers are
 * terminated, and the bytes from the terminator to the end of the field
 * are zero.
 */
TEST_F(control, t_str_6_names_terminated_zero_padded)
{
	char names[3][RELQ_NAME_LEN];
	struct relq_list_entry *e;
	struct relq_info info;
	unsigned long long max = 0;
	unsigned int i, j, found = 0;
	__u32 count;
	size_t len;
	int fd;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "", 4096, 64, names[0], NULL));
	relq_unique_name(names[1], "m");
	len = strlen(names[1]);
	memset(names[1] + len, 'q', 10);
	names[1][len + 10] = '\0';
	relq_ctl_track(&self->st, names[1]);
	ASSERT_EQ(0, relq_create(self->fd, names[1], 4096, 64, NULL));
	relq_unique_name(names[2], "l");
	memset(names[2] + strlen(names[2]), 'z',
	       RELQ_NAME_LEN - 1 - strlen(names[2]));
	names[2][RELQ_NAME_LEN - 1] = '\0';
	relq_ctl_track(&self->st, names[2]);
	ASSERT_EQ(0, relq_create(self->fd, names[2], 4096, 64, NULL));

	for (i = 0; i < 3; i++) {
		fd = relq_open(names[i], O_RDONLY);
		ASSERT_LE(0, fd);
		relq_fill(&info, sizeof(info));
		info.size = sizeof(info);
		info.flags = 0;
		ASSERT_EQ(0, relq_err(ioctl(fd, RELQ_IOC_INFO, &info)));
		EXPECT_TRUE(relq_name_padded(info.name)) TH_LOG("INFO of %s", names[i]);
		EXPECT_EQ(0, strncmp(names[i], info.name, RELQ_NAME_LEN));
		close(fd);
	}

	ASSERT_EQ(0, relq_param_read("max_channels", &max));
	e = malloc((max + 1) * sizeof(*e));
	ASSERT_TRUE(!!e);
	relq_fill(e, (max + 1) * sizeof(*e));
	ASSERT_EQ(0, relq_list(self->fd, e, max, &count));
	ASSERT_GE(max, count);
	for (i = 0; i < count; i++) {
		EXPECT_TRUE(relq_name_padded(e[i].name)) TH_LOG("entry %u", i);
		EXPECT_EQ(0, e[i].reserved);
		for (j = 0; j < 3; j++)
			found += !strncmp(e[i].name, names[j], RELQ_NAME_LEN);
	}
	EXPECT_EQ(3, found);
	EXPECT_TRUE(relq_is_fill(&e[count], (max + 1 - count) * sizeof(*e)));
	free(e);
}

/*
 * T-BUF-3 (CREATE): capacity and max_msg around their limits; only
 * 1 <= capacity <= max_capacity and 1 <= max_msg <= min(capacity,
 * max_msg_size) succeed, the rest EINVAL with no channel left.
 */
TEST_F(control, t_buf_3_create_limits)
{
	unsigned long long mc = 0, mm = 0;
	char name[RELQ_NAME_LEN];
	unsigned int i, j, ok = 0;
	__u64 caps[8];
	__u32 msgs[5];
	long count;
	int err;

	ASSERT_EQ(0, relq_param_read("max_capacity", &mc));
	ASSERT_EQ(0, relq_param_read("max_msg_size", &mm));
	count = relq_list_count(self->fd);
	ASSERT_LE(0, count);
	caps[0] = 0;
	caps[1] = 1;
	caps[2] = mc;
	caps[3] = mc + 1;
	caps[4] = (1ULL << 31) - 1;
	caps[5] = 1ULL << 31;
	caps[6] = (1ULL << 32) - 1;
	caps[7] = ~0ULL;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		msgs[0] = 0;
		msgs[1] = 1;
		msgs[2] = (__u32)caps[i];
		msgs[3] = (__u32)(caps[i] + 1);
		msgs[4] = ~0U;
		for (j = 0; j < ARRAY_SIZE(msgs); j++) {
			bool valid = caps[i] >= 1 && caps[i] <= mc &&
				     msgs[j] >= 1 && msgs[j] <= caps[i] &&
				     msgs[j] <= mm;

			err = relq_ctl_create(self->fd, &self->st, "l", caps[i], msgs[j], name,
					      NULL);
			EXPECT_EQ(valid ? 0 : EINVAL, err)
				TH_LOG("capacity %llu max_msg %u",
				       (unsigned long long)caps[i], msgs[j]);
			if (!err) {
				ok++;
				EXPECT_EQ(0, relq_ctl_destroy(self->fd, &self->st, name));
			} else {
				EXPECT_FALSE(relq_node_exists(name));
			}
		}
	}
	TH_LOG("%u valid combinations (max_capacity %llu, max_msg_size %llu)",
	       ok, mc, mm);
	EXPECT_LE(3, ok);
	EXPECT_EQ(count, relq_list_count(self->fd));
}

/*
 * T-BUF-3 (LIST): capacity 0 returns the count only; up to max_channels
 * entries are served; above it EINVAL with the array untouched.
 */
TEST_F(control, t_buf_3_list_limits)
{
	unsigned long long limit = 0;
	char name[RELQ_NAME_LEN];
	struct relq_list_entry *e;
	struct relq_list l;
	__u32 ok[4], bad[3], n;
	unsigned int i;
	size_t size;
	long count;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "b", 4096, 64, name, NULL));
	ASSERT_EQ(0, relq_param_read("max_channels", &limit));
	count = relq_list_count(self->fd);
	ASSERT_LE(2, count);
	size = (limit + 2) * sizeof(*e);
	e = malloc(size);
	ASSERT_TRUE(!!e);

	ok[0] = 0;
	ok[1] = count - 1;
	ok[2] = count;
	ok[3] = limit;
	bad[0] = limit + 1;
	bad[1] = 1U << 31;
	bad[2] = ~0U;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		__u32 w = ok[i] < count ? ok[i] : count;

		relq_fill(e, size);
		n = 0;
		EXPECT_EQ(0, relq_list(self->fd, e, ok[i], &n))
			TH_LOG("capacity %u", ok[i]);
		EXPECT_EQ(count, n);
		EXPECT_FALSE(w && relq_is_fill(&e[w - 1], sizeof(*e)));
		EXPECT_TRUE(relq_is_fill(&e[w], size - w * sizeof(*e)))
			TH_LOG("capacity %u wrote past %u entries", ok[i], w);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		relq_fill(e, size);
		memset(&l, 0, sizeof(l));
		l.entries = (uintptr_t)e;
		l.capacity = bad[i];
		l.count = 0xA5A5A5A5;
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)))
			TH_LOG("capacity %u", bad[i]);
		EXPECT_EQ(0xA5A5A5A5, l.count);
		EXPECT_TRUE(relq_is_fill(e, size));
	}
	free(e);
}

/*
 * T-BUF-4: LIST with a capacity below the channel count returns the true
 * count and writes exactly capacity entries, the 0xA5 entries after them
 * untouched; a second call with that count gets all of them, in id order.
 */
TEST_F(control, t_buf_4_list_short_capacity)
{
	char names[3][RELQ_NAME_LEN];
	struct relq_list_entry *e, *all;
	unsigned int i, j, found = 0;
	__u32 ids[3], count, n;
	size_t size;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "s", 4096, 64, names[i],
					     &ids[i]));
	ASSERT_EQ(0, relq_list(self->fd, NULL, 0, &count));
	ASSERT_LE(3, count);
	size = (count + 4) * sizeof(*e);
	e = malloc(size);
	all = malloc(size);
	ASSERT_TRUE(!!e);
	ASSERT_TRUE(!!all);

	relq_fill(e, size);
	ASSERT_EQ(0, relq_list(self->fd, e, count - 1, &n));
	EXPECT_EQ(count, n);
	for (i = 0; i < count - 1; i++)
		EXPECT_TRUE(relq_name_padded(e[i].name)) TH_LOG("entry %u", i);
	EXPECT_TRUE(relq_is_fill(&e[count - 1], size - (count - 1) * sizeof(*e)));

	relq_fill(all, size);
	ASSERT_EQ(0, relq_list(self->fd, all, n, &n));
	EXPECT_EQ(count, n);
	EXPECT_TRUE(relq_is_fill(&all[count], size - count * sizeof(*e)));
	EXPECT_EQ(0, memcmp(e, all, (count - 1) * sizeof(*e)));
	for (i = 0; i < count; i++) {
		if (i)
			EXPECT_LT(all[i - 1].id, all[i].id) TH_LOG("entry %u", i);
		for (j = 0; j < 3; j++) {
			if (strncmp(all[i].name, names[j], RELQ_NAME_LEN))
				continue;
			found++;
			EXPECT_EQ(ids[j], all[i].id);
		}
	}
	EXPECT_EQ(3, found);
	free(all);
	free(e);
}

/*
 * T-BUF-9: each reserved field non-zero and each undefined flag bit set,
 * and uid, gid or mode given without their flag, give EINVAL and change
 * nothing, for CREATE, DESTROY, LIST and INFO.
 */
TEST_F(control, t_buf_9_reserved_and_flags)
{
	char name[RELQ_NAME_LEN], nname[RELQ_NAME_LEN];
	struct relq_create c0, c;
	struct relq_destroy d;
	struct relq_info info;
	struct relq_list l;
	unsigned int bit, i;
	long count;
	int ch;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	count = relq_list_count(self->fd);
	relq_unique_name(nname, "n");
	relq_ctl_track(&self->st, nname);
	relq_ctl_create_arg(&c0, nname);

	/* CREATE. */
	for (i = 0; i < 2; i++) {
		c = c0;
		c.reserved[i] = 1;
		EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("reserved[%u]", i);
		c.reserved[i] = 1ULL << 63;
		EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("reserved[%u]", i);
	}
	for (bit = 0; bit < 32; bit++) {
		if ((1U << bit) & RELQ_CREATE_FLAGS)
			continue;
		c = c0;
		c.flags = 1U << bit;
		EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("flag bit %u", bit);
	}
	c = c0;
	c.uid = 1;
	EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("uid without its flag");
	c = c0;
	c.gid = 1;
	EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("gid without its flag");
	c = c0;
	c.mode = 0600;
	EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c)) TH_LOG("mode without its flag");
	EXPECT_FALSE(relq_node_exists(nname));
	EXPECT_EQ(count, relq_list_count(self->fd));
	/* The base argument itself is valid. */
	c = c0;
	EXPECT_EQ(0, relq_create_raw(self->fd, &c));
	EXPECT_EQ(0, relq_ctl_destroy(self->fd, &self->st, nname));

	/* DESTROY: no flag is defined. */
	for (bit = 0; bit < 32; bit++) {
		memset(&d, 0, sizeof(d));
		snprintf(d.name, sizeof(d.name), "%s", name);
		d.flags = 1U << bit;
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, &d)))
			TH_LOG("flag bit %u", bit);
	}
	d.flags = 0;
	d.reserved = 1;
	EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, &d)));
	d.reserved = 1U << 31;
	EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_DESTROY, &d)));
	EXPECT_TRUE(relq_node_exists(name));
	EXPECT_EQ(count, relq_list_count(self->fd));

	/* LIST: no flag is defined; count is not written on failure. */
	for (bit = 0; bit < 32; bit++) {
		memset(&l, 0, sizeof(l));
		l.flags = 1U << bit;
		l.count = 0xA5A5A5A5;
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)))
			TH_LOG("flag bit %u", bit);
		EXPECT_EQ(0xA5A5A5A5, l.count);
	}
	memset(&l, 0, sizeof(l));
	l.reserved = 1;
	EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)));
	l.reserved = 1U << 31;
	EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)));

	/* INFO: no flag is defined. */
	ch = relq_open(name, O_RDONLY);
	ASSERT_LE(0, ch);
	for (bit = 0; bit < 32; bit++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.flags = 1U << bit;
		EXPECT_EQ(EINVAL, relq_err(ioctl(ch, RELQ_IOC_INFO, &info)))
			TH_LOG("flag bit %u", bit);
	}
	close(ch);
}

/*
 * T-UPTR-2: LIST's array pointer at a kernel address, a non-canonical
 * address, NULL, read-only memory, or valid but running into a guard
 * page before capacity entries gives EFAULT.
 */
TEST_F(control, t_uptr_2_list_entries_efault)
{
	static const __u64 addrs[] = {
		0, 1, 0xffffffff81000000ULL, 0xffff888000000000ULL,
		0x8000000000000000ULL, 0x0000800000000000ULL, ~0ULL,
		~0ULL - 8,
	};
	size_t pg = relq_page_size();
	char name[RELQ_NAME_LEN];
	struct relq_list_entry *e;
	struct relq_list l;
	unsigned int i;
	long count;
	void *ro;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "b", 4096, 64, name, NULL));
	count = relq_list_count(self->fd);
	ASSERT_LE(2, count);

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		memset(&l, 0, sizeof(l));
		l.entries = addrs[i];
		l.capacity = 2;
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)))
			TH_LOG("entries %#llx", (unsigned long long)addrs[i]);
	}

	e = relq_guard_alloc(sizeof(*e));
	ASSERT_TRUE(!!e);
	memset(&l, 0, sizeof(l));
	l.entries = (uintptr_t)e;
	l.capacity = 2;
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)));
	l.capacity = 1;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)));
	EXPECT_EQ(count, l.count);
	relq_guard_free(e, sizeof(*e));

	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	memset(&l, 0, sizeof(l));
	l.entries = (uintptr_t)ro;
	l.capacity = 2;
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_LIST, &l)));
	munmap(ro, pg);
	EXPECT_EQ(count, relq_list_count(self->fd));
}

/*
 * T-SEC-6: CREATE with a mode outside 0777 or with the world-write bit
 * gives EINVAL and no node; so do an owner or a group not mapped in the
 * caller's user namespace (a child in a fresh user namespace without
 * mappings, using a control fd root opened).
 */
TEST_F(control, t_sec_6_create_bad_mode)
{
	static const __u32 modes[] = {
		04600, 02600, 01600, 010600, 0100600, 0602, 0666, 0002, 0777,
		0xffffffff,
	};
	char name[RELQ_NAME_LEN], path[64];
	struct relq_create c;
	struct stat st;
	unsigned int i;
	long count;
	int *res, userns_err;
	pid_t pid;

	count = relq_list_count(self->fd);
	ASSERT_LE(0, count);
	relq_unique_name(name, "m");
	relq_ctl_track(&self->st, name);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		relq_ctl_create_arg(&c, name);
		c.flags = RELQ_CREATE_MODE;
		c.mode = modes[i];
		EXPECT_EQ(EINVAL, relq_create_raw(self->fd, &c))
			TH_LOG("mode %#o", modes[i]);
		EXPECT_FALSE(relq_node_exists(name));
	}
	EXPECT_EQ(count, relq_list_count(self->fd));

	/* A good mode is applied as given. */
	relq_ctl_create_arg(&c, name);
	c.flags = RELQ_CREATE_MODE;
	c.mode = 0640;
	ASSERT_EQ(0, relq_create_raw(self->fd, &c));
	relq_channel_path(path, sizeof(path), name);
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_EQ(0640, st.st_mode & 07777);
	EXPECT_EQ(0, relq_ctl_destroy(self->fd, &self->st, name));

	/* Unmapped owner and group, from a new user namespace. */
	res = relq_shared_ints(4);
	ASSERT_TRUE(!!res);
	memset(res, 0xff, 4 * sizeof(int));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		res[0] = relq_err(unshare(CLONE_NEWUSER));
		if (res[0])
			_exit(0);
		relq_ctl_create_arg(&c, name);
		c.flags = RELQ_CREATE_UID;
		res[1] = relq_create_raw(self->fd, &c);
		relq_ctl_create_arg(&c, name);
		c.flags = RELQ_CREATE_GID;
		res[2] = relq_create_raw(self->fd, &c);
		relq_ctl_create_arg(&c, name);
		c.flags = RELQ_CREATE_UID | RELQ_CREATE_GID;
		c.uid = 1000;
		c.gid = 1000;
		res[3] = relq_create_raw(self->fd, &c);
		_exit(0);
	}
	EXPECT_EQ(0, relq_wait_child(pid));
	userns_err = res[0];
	if (!userns_err) {
		EXPECT_EQ(EINVAL, res[1]) TH_LOG("unmapped uid 0");
		EXPECT_EQ(EINVAL, res[2]) TH_LOG("unmapped gid 0");
		EXPECT_EQ(EINVAL, res[3]) TH_LOG("unmapped uid/gid 1000");
	}
	munmap(res, 4 * sizeof(int));
	EXPECT_FALSE(relq_node_exists(name));
	EXPECT_EQ(count, relq_list_count(self->fd));
	if (userns_err)
		SKIP(return, "no user namespace (%s): the unmapped-id cases could not run",
		     strerror(userns_err));
}

/*
 * T-STATE-5 (limit): with max_channels live channels CREATE gives ENOSPC,
 * and succeeds again after one DESTROY.
 */
TEST_F(control, t_state_5_channel_limit)
{
	char names[4][RELQ_NAME_LEN], extra[RELQ_NAME_LEN];
	unsigned long long orig = 0;
	int i, n = 0, err = 0;
	long live;

	ASSERT_EQ(0, relq_ctl_save_param(&self->st, "max_channels", &orig));
	live = relq_list_count(self->fd);
	ASSERT_LE(0, live);
	if (live + 2 > (long)RELQ_MAX_CHANNELS_LIMIT)
		SKIP(return, "%ld live channels", live);
	ASSERT_EQ(0, relq_param_write_ull("max_channels", live + 2));

	for (i = 0; i < 4; i++) {
		err = relq_ctl_create(self->fd, &self->st, "c", 4096, 64, names[i], NULL);
		if (err)
			break;
		n++;
	}
	EXPECT_EQ(2, n);
	EXPECT_EQ(ENOSPC, err);
	if (err)
		EXPECT_FALSE(relq_node_exists(names[i]));
	EXPECT_EQ(live + 2, relq_list_count(self->fd));

	ASSERT_LE(1, n);
	EXPECT_EQ(0, relq_ctl_destroy(self->fd, &self->st, names[0]));
	EXPECT_EQ(0, relq_ctl_create(self->fd, &self->st, "c", 4096, 64, extra, NULL));
	EXPECT_EQ(ENOSPC, relq_ctl_create(self->fd, &self->st, "c", 4096, 64, extra, NULL));

	EXPECT_EQ(0, relq_param_write_ull("max_channels", orig));
}

/*
 * T-STATE-5 (unknown): DESTROY twice gives ENOENT the second time, and
 * DESTROY of a name never created gives ENOENT.
 */
TEST_F(control, t_state_5_destroy_unknown)
{
	char name[RELQ_NAME_LEN];
	long count;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "d", 4096, 64, name, NULL));
	count = relq_list_count(self->fd);
	EXPECT_EQ(0, relq_destroy(self->fd, name));
	EXPECT_EQ(ENOENT, relq_destroy(self->fd, name));
	EXPECT_EQ(count - 1, relq_list_count(self->fd));
	relq_unique_name(name, "never");
	EXPECT_EQ(ENOENT, relq_destroy(self->fd, name));
	EXPECT_EQ(count - 1, relq_list_count(self->fd));
}

/* The "max + 1" value of the parameter being tested. */
static char relq_param_max1[32];

/*
 * T-INST-6: each limit parameter rejects 0, max+1 and non-numbers with
 * EINVAL and keeps its value; in-range values are accepted and apply to
 * the next CREATE; uid 65534 cannot write them (EACCES).
 */
TEST_F(control, t_inst_6_param_ranges)
{
	static const struct {
		const char *name;
		unsigned long long max;
	} params[] = {
		{ "max_channels", RELQ_MAX_CHANNELS_LIMIT },
		{ "max_capacity", RELQ_MAX_CAPACITY_LIMIT },
		{ "max_msg_size", RELQ_MAX_MSG_SIZE_LIMIT },
	};
	static const char * const bad[] = {
		"0", relq_param_max1, "abc", "-1", "12abc", "99999999999999999999",
	};
	char name[RELQ_NAME_LEN];
	unsigned long long orig = 0, now = 0;
	unsigned int i, j;
	long live;
	int *res;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		ASSERT_EQ(0, relq_ctl_save_param(&self->st, params[i].name, &orig));
		snprintf(relq_param_max1, sizeof(relq_param_max1), "%llu",
			 params[i].max + 1);
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			EXPECT_EQ(EINVAL, relq_param_write(params[i].name, bad[j]))
				TH_LOG("%s = \"%s\"", params[i].name, bad[j]);
			ASSERT_EQ(0, relq_param_read(params[i].name, &now));
			EXPECT_EQ(orig, now) TH_LOG("%s = \"%s\"", params[i].name, bad[j]);
		}
		/* The bounds themselves are accepted. */
		EXPECT_EQ(0, relq_param_write_ull(params[i].name, params[i].max));
		ASSERT_EQ(0, relq_param_read(params[i].name, &now));
		EXPECT_EQ(params[i].max, now);
		EXPECT_EQ(0, relq_param_write(params[i].name, "1"));
		ASSERT_EQ(0, relq_param_read(params[i].name, &now));
		EXPECT_EQ(1, now);
		EXPECT_EQ(0, relq_param_write_ull(params[i].name, orig));
	}

	/* New values apply to the next CREATE. */
	ASSERT_EQ(0, relq_param_write("max_capacity", "8192"));
	EXPECT_EQ(EINVAL, relq_ctl_create(self->fd, &self->st, "p", 8193, 64, name, NULL));
	EXPECT_EQ(0, relq_ctl_create(self->fd, &self->st, "p", 8192, 64, name, NULL));
	ASSERT_EQ(0, relq_param_write("max_msg_size", "100"));
	EXPECT_EQ(EINVAL, relq_ctl_create(self->fd, &self->st, "p", 4096, 101, name, NULL));
	EXPECT_EQ(0, relq_ctl_create(self->fd, &self->st, "p", 4096, 100, name, NULL));
	live = relq_list_count(self->fd);
	ASSERT_LE(0, live);
	ASSERT_EQ(0, relq_param_write_ull("max_channels", live + 1));
	EXPECT_EQ(0, relq_ctl_create(self->fd, &self->st, "p", 4096, 64, name, NULL));
	EXPECT_EQ(ENOSPC, relq_ctl_create(self->fd, &self->st, "p", 4096, 64, name, NULL));
	for (i = 0; i < ARRAY_SIZE(params); i++)
		EXPECT_EQ(0, relq_param_write_ull(self->st.param[i], self->st.param_val[i]));

	/* Only root writes them. */
	res = relq_shared_ints(ARRAY_SIZE(params) + 1);
	ASSERT_TRUE(!!res);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		res[0] = relq_become_nobody();
		for (i = 0; !res[0] && i < ARRAY_SIZE(params); i++)
			res[i + 1] = relq_param_write(params[i].name, "2");
		_exit(0);
	}
	EXPECT_EQ(0, relq_wait_child(pid));
	EXPECT_EQ(0, res[0]);
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		EXPECT_EQ(EACCES, res[i + 1]) TH_LOG("%s", params[i].name);
		ASSERT_EQ(0, relq_param_read(params[i].name, &now));
		EXPECT_EQ(self->st.param_val[i], now);
	}
	munmap(res, (ARRAY_SIZE(params) + 1) * sizeof(int));
}

/*
 * T-DEVOBJ-2: control commands issued on a channel fd give ENOTTY and
 * change nothing; a channel command on the control fd gives ENOTTY.
 */
TEST_F(control, t_devobj_2_control_cmds_on_channel)
{
	char name[RELQ_NAME_LEN], nname[RELQ_NAME_LEN];
	struct relq_create c;
	struct relq_destroy d;
	struct relq_info info;
	struct relq_list l;
	long count;
	int ch;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	ch = relq_open(name, O_RDWR);
	ASSERT_LE(0, ch);
	count = relq_list_count(self->fd);

	relq_unique_name(nname, "n");
	relq_ctl_track(&self->st, nname);
	relq_ctl_create_arg(&c, nname);
	EXPECT_EQ(ENOTTY, relq_create_raw(ch, &c));
	EXPECT_EQ(ENOTTY, relq_destroy(ch, name));
	memset(&l, 0, sizeof(l));
	l.count = 0xA5A5A5A5;
	EXPECT_EQ(ENOTTY, relq_err(ioctl(ch, RELQ_IOC_LIST, &l)));
	EXPECT_EQ(0xA5A5A5A5, l.count);
	memset(&d, 0, sizeof(d));
	EXPECT_EQ(ENOTTY, relq_err(ioctl(ch, RELQ_IOC_DESTROY, &d)));

	EXPECT_EQ(count, relq_list_count(self->fd));
	EXPECT_TRUE(relq_list_has(self->fd, name, NULL));
	EXPECT_FALSE(relq_node_exists(nname));

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	EXPECT_EQ(ENOTTY, relq_err(ioctl(self->fd, RELQ_IOC_INFO, &info)));
	EXPECT_EQ(0, relq_info(ch, &info));
	close(ch);
}

/* Whether a live channel uses device @maj:@min (per /sys/class/relq). */
static bool relq_devt_in_use(unsigned int maj, unsigned int min)
{
	unsigned int a, b;
	struct dirent *de;
	bool used = false;
	DIR *dir;

	dir = opendir(RELQ_SYSFS_CLASS);
	if (!dir)
		return false;
	while (!used && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (!relq_sysfs_devt(de->d_name, &a, &b) && a == maj && b == min)
			used = true;
	}
	closedir(dir);
	return used;
}

/*
 * T-DEVOBJ-3: nodes made with the channel major and an unused minor, or
 * with the minor of a destroyed channel, fail to open with ENXIO; a node
 * with a live channel's number opens.
 */
TEST_F(control, t_devobj_3_unused_minor_enxio)
{
	char name[RELQ_NAME_LEN], dead[RELQ_NAME_LEN], path[96];
	unsigned int maj, min, dmaj, dmin, unused;
	int err, fd;

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "a", 4096, 64, name, NULL));
	ASSERT_EQ(0, relq_sysfs_devt(name, &maj, &min));

	/* The mechanism works: a second node of a live channel opens. */
	err = relq_nodes_mknod(&self->st.nodes, makedev(maj, min), path, sizeof(path));
	ASSERT_EQ(0, err) TH_LOG("mknod: %s", strerror(err));
	fd = open(path, O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd) TH_LOG("live channel's alternate node: %s",
				strerror(errno));
	if (fd >= 0)
		close(fd);

	for (unused = 1023; unused > 0 && relq_devt_in_use(maj, unused); unused--)
		;
	err = relq_nodes_mknod(&self->st.nodes, makedev(maj, unused), path, sizeof(path));
	ASSERT_EQ(0, err) TH_LOG("mknod: %s", strerror(err));
	EXPECT_EQ(ENXIO, relq_err(open(path, O_RDWR | O_CLOEXEC)))
		TH_LOG("minor %u", unused);
	EXPECT_EQ(ENXIO, relq_err(open(path, O_RDONLY | O_CLOEXEC)));

	ASSERT_EQ(0, relq_ctl_create(self->fd, &self->st, "d", 4096, 64, dead, NULL));
	ASSERT_EQ(0, relq_sysfs_devt(dead, &dmaj, &dmin));
	EXPECT_EQ(maj, dmaj);
	ASSERT_EQ(0, relq_ctl_destroy(self->fd, &self->st, dead));
	err = relq_nodes_mknod(&self->st.nodes, makedev(dmaj, dmin), path, sizeof(path));
	ASSERT_EQ(0, err) TH_LOG("mknod: %s", strerror(err));
	EXPECT_EQ(ENXIO, relq_err(open(path, O_RDWR | O_CLOEXEC)))
		TH_LOG("destroyed channel's minor %u", dmin);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
