# SPDX-License-Identifier: GPL-2.0
#
# relq: build wrapper and entry points. See README.md and `make help`.
#
# KDIR defaults to the newest installed Debian 6.12 headers tree; never
# to `uname -r`, because the host runs an unrelated kernel.

KDIR ?= $(shell bash scripts/kdir.sh 6.12 2>/dev/null)
PWD_ := $(CURDIR)

.PHONY: all modules selftests clean help check run shell deps kernel lint \
	vm-test install-deps

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no KDIR: run 'make deps' or pass KDIR=..."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(PWD_) modules

selftests:
	$(MAKE) -C selftests/relq

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(PWD_) clean; fi
	$(MAKE) -C selftests/relq clean
	rm -rf .build results

deps install-deps:
	bash scripts/deps.sh

kernel: deps
	bash scripts/build-kernel.sh

lint: deps
	bash scripts/check.sh --lint-only

check:
	bash scripts/check.sh

run:
	bash scripts/run.sh

shell: deps
	bash scripts/shell.sh

help:
	@echo 'relq targets:'
	@echo '  make            build relq.ko against KDIR (default: newest Debian 6.12 headers)'
	@echo '  make KDIR=...   build against another tree (6.1 headers, the debug kernel)'
	@echo '  make run        install what is missing, build, boot a test kernel, demo relq'
	@echo '  make check      the whole suite: lint, debug kernel (KUnit + kselftest),'
	@echo '                  stock 6.12 and 6.1 (kselftest); prints "N passed, N failed"'
	@echo '  make lint       only the host-side build and lint steps of make check'
	@echo '  make shell      boot the debug kernel with relq loaded, interactive shell'
	@echo '  make kernel     build (or reuse) the cached debug kernel'
	@echo '  make selftests  build the kselftests on the host'
	@echo '  make deps       install the Debian packages relq needs'
	@echo '  make clean      remove build output'
	@echo 'Variables: KDIR, RELQ_KVM=1 (use KVM on real hardware), TARGETS="debug 6.12 6.1",'
	@echo '           TESTS=<kselftest filter, e.g. t_sec_1>'
