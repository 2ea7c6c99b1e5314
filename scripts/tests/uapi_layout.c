// SPDX-License-Identifier: GPL-2.0
/*
 * T-IOC-3: relq's uapi header compiles on its own, in C90 and C11, and
 * every struct has the same size and field offsets on i386 and x86-64.
 * Built with -m32 and -m64 by make check; a failed assertion fails the
 * build. This is the one list of relq's ABI layouts and command numbers:
 * the module does not repeat it, and pahole (scripts/check.sh) finds no
 * hole in any struct the header defines.
 */
#include <stddef.h>
#include <linux/relq.h>

#define RELQ_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field)
#define RELQ_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), "sizeof " #type)

RELQ_SIZE(relq_create, 80);
RELQ_AT(relq_create, name, 0);
RELQ_AT(relq_create, capacity, 32);
RELQ_AT(relq_create, max_msg, 40);
RELQ_AT(relq_create, flags, 44);
RELQ_AT(relq_create, uid, 48);
RELQ_AT(relq_create, gid, 52);
RELQ_AT(relq_create, mode, 56);
RELQ_AT(relq_create, id, 60);
RELQ_AT(relq_create, reserved, 64);

RELQ_SIZE(relq_destroy, 40);
RELQ_AT(relq_destroy, flags, 32);
RELQ_AT(relq_destroy, reserved, 36);

RELQ_SIZE(relq_list_entry, 40);
RELQ_AT(relq_list_entry, id, 32);
RELQ_AT(relq_list_entry, reserved, 36);

RELQ_SIZE(relq_list, 24);
RELQ_AT(relq_list, entries, 0);
RELQ_AT(relq_list, capacity, 8);
RELQ_AT(relq_list, count, 12);
RELQ_AT(relq_list, flags, 16);
RELQ_AT(relq_list, reserved, 20);

RELQ_SIZE(relq_info, RELQ_INFO_SIZE_VER2);
RELQ_AT(relq_info, size, 0);
RELQ_AT(relq_info, flags, 4);
RELQ_AT(relq_info, id, 8);
RELQ_AT(relq_info, state, 12);
RELQ_AT(relq_info, capacity, 16);
RELQ_AT(relq_info, max_msg, 24);
RELQ_AT(relq_info, depth, 28);
RELQ_AT(relq_info, bytes, 32);
RELQ_AT(relq_info, sent, 40);
RELQ_AT(relq_info, received, 48);
RELQ_AT(relq_info, next_size, RELQ_INFO_SIZE_VER0);
RELQ_AT(relq_info, mode, 60);
RELQ_AT(relq_info, name, 64);
RELQ_AT(relq_info, link_flags, RELQ_INFO_SIZE_VER1);
RELQ_AT(relq_info, lower_id, 100);
RELQ_AT(relq_info, forwarded, 104);

RELQ_SIZE(relq_status, 40);
RELQ_AT(relq_status, seq, 0);
RELQ_AT(relq_status, state, 4);
RELQ_AT(relq_status, sent, 8);
RELQ_AT(relq_status, received, 16);
RELQ_AT(relq_status, depth, 24);
RELQ_AT(relq_status, reserved, 28);
RELQ_AT(relq_status, bytes, 32);

RELQ_SIZE(relq_link, 16);
RELQ_AT(relq_link, fd, 0);
RELQ_AT(relq_link, flags, 4);
RELQ_AT(relq_link, reserved, 8);

RELQ_SIZE(relq_recv, 16);
RELQ_AT(relq_recv, addr, 0);
RELQ_AT(relq_recv, len, 8);
RELQ_AT(relq_recv, flags, 12);

_Static_assert(RELQ_IOC_CREATE == 0xc050b900u, "CREATE number");
_Static_assert(RELQ_IOC_DESTROY == 0x4028b901u, "DESTROY number");
_Static_assert(RELQ_IOC_LIST == 0xc018b902u, "LIST number");
_Static_assert(RELQ_IOC_INFO == 0xb940u, "INFO number");
_Static_assert(RELQ_IOC_LINK == 0x4010b941u, "LINK number");
_Static_assert(RELQ_IOC_UNLINK == 0xb942u, "UNLINK number");
_Static_assert(RELQ_IOC_DRAIN == 0xb943u, "DRAIN number");
_Static_assert(RELQ_URING_RECV == 0x8010b980u, "RECV number");

int main(void)
{
	return 0;
}
