# SPDX-License-Identifier: GPL-2.0
#
# relq: build wrapper and entry points. See README.md and `make help`.
#
# KDIR defaults to the newest installed Debian 6.12 headers tree; never
# to `uname -r`, because the host runs an unrelated kernel.

KDIR ?= $(shell bash scripts/kdir.sh 6.12 2>/dev/null)
PWD_ := $(CURDIR)

.PHONY: all modules selftests clean help check run shell deps kernel lint \
	install-deps install uninstall relqctl sign verify htmldocs bench \
	pitfalls pitfall-docs

# Installation (DESTDIR for staging). The module goes to updates/ of the
# kernel KDIR belongs to; files are 0644 (programs 0755), owned by root
# when installed as root.
DESTDIR ?=
PREFIX ?= /usr
KVER ?= $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
INSTALL_OWNER := $(if $(filter 0,$(shell id -u)),-o root -g root)
INSTALL_FILES := /lib/modules/$(KVER)/updates/relq.ko \
	/lib/udev/rules.d/60-relq.rules \
	$(PREFIX)/include/linux/relq.h \
	$(PREFIX)/bin/relqctl \
	$(PREFIX)/share/doc/relq/examples/modules-load.d/relq.conf \
	$(PREFIX)/share/doc/relq/examples/modprobe.d/relq.conf

# The suite's knobs reach scripts/check.sh from the environment or the
# command line alike (make check TESTS=t_sec_1).
export TARGETS TESTS FUZZ_MINUTES RELQ_SEED RELQ_KVM

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no KDIR: run 'make deps' or pass KDIR=..."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(PWD_) modules

selftests:
	$(MAKE) -C selftests/relq

relqctl:
	$(MAKE) -C tools/relqctl

install: modules relqctl
	@test -n "$(KVER)" || { echo "cannot tell the kernel release of KDIR=$(KDIR)"; exit 1; }
	install -d -m 0755 $(INSTALL_OWNER) $(DESTDIR)/lib/modules/$(KVER)/updates \
		$(DESTDIR)/lib/udev/rules.d $(DESTDIR)$(PREFIX)/include/linux \
		$(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/relq/examples/modules-load.d \
		$(DESTDIR)$(PREFIX)/share/doc/relq/examples/modprobe.d
	install -m 0644 $(INSTALL_OWNER) relq.ko $(DESTDIR)/lib/modules/$(KVER)/updates/relq.ko
	install -m 0644 $(INSTALL_OWNER) udev/60-relq.rules $(DESTDIR)/lib/udev/rules.d/60-relq.rules
	install -m 0644 $(INSTALL_OWNER) include/uapi/linux/relq.h $(DESTDIR)$(PREFIX)/include/linux/relq.h
	install -m 0755 $(INSTALL_OWNER) tools/relqctl/relqctl $(DESTDIR)$(PREFIX)/bin/relqctl
	install -m 0644 $(INSTALL_OWNER) packaging/relq-modules-load.conf \
		$(DESTDIR)$(PREFIX)/share/doc/relq/examples/modules-load.d/relq.conf
	install -m 0644 $(INSTALL_OWNER) packaging/relq-modprobe.conf \
		$(DESTDIR)$(PREFIX)/share/doc/relq/examples/modprobe.d/relq.conf
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))
	$(if $(DESTDIR),,depmod -a $(KVER))

# Sign relq.ko for Secure Boot: make sign KEY=mok.priv CERT=mok.der
sign: modules
	@test -n "$(KEY)" -a -n "$(CERT)" || { echo "usage: make sign KEY=key.pem CERT=cert.pem"; exit 1; }
	$(KDIR)/scripts/sign-file sha256 $(KEY) $(CERT) relq.ko

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(PWD_) clean; fi
	$(MAKE) -C selftests/relq clean
	$(MAKE) -C tools/relqctl clean
	rm -rf .build results

deps install-deps:
	bash scripts/deps.sh

kernel: deps
	bash scripts/build-kernel.sh

lint: deps
	bash scripts/check.sh --lint-only

check:
	bash scripts/check.sh

# The Driver Verifier counterpart: lint, then fault injection and fuzzing
# on the debug kernel (FUZZ_MINUTES, default 5; RELQ_SEED replays).
verify:
	TARGETS=verify FUZZ_MINUTES=$(or $(FUZZ_MINUTES),5) bash scripts/check.sh

# The pitfall gallery alone (its boot, and the kcsan one for T-PIT-8),
# and its page's reports regenerated from the last run's captures.
pitfalls:
	TARGETS="pitfalls kcsan" TESTS=t_mp_1 bash scripts/check.sh

pitfall-docs:
	python3 scripts/pitfall_docs.py results

htmldocs: deps
	bash scripts/htmldocs.sh

# relq against pipe, AF_UNIX seqpacket, POSIX mqueue and /dev/null on
# Debian's stock 6.12 under QEMU: a table, JSON and a PNG in results/bench/.
bench:
	bash scripts/bench.sh

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
	@echo '  make verify     lint + fault-injection sweeps + fuzzing on the debug kernel,'
	@echo '                  then the verifier table (FUZZ_MINUTES=5, RELQ_SEED=...)'
	@echo '  make pitfalls   the pitfall gallery: the wrong code of each guideline (relq_pitfalls.ko),'
	@echo '                  caught by its detector (debug and kcsan kernels)'
	@echo '  make pitfall-docs  Documentation/pitfalls/*.txt from the reports of the last run'
	@echo '  make htmldocs   HTML docs in Documentation/output/html (Sphinx + kernel-doc;'
	@echo '                  warnings are errors)'
	@echo '  make bench      relq vs pipe, AF_UNIX seqpacket, POSIX mqueue and /dev/null on'
	@echo '                  stock 6.12 under QEMU; table, JSON and PNG in results/bench/'
	@echo '                  (TCG: only the ratios count)'
	@echo '  make lint       only the host-side build and lint steps of make check'
	@echo '  make shell      boot the debug kernel with relq loaded, interactive shell'
	@echo '  make kernel     build (or reuse) the cached debug kernel'
	@echo '  make selftests  build the kselftests on the host'
	@echo '  make install    install module (updates/), udev rule, uapi header, relqctl,'
	@echo '                  examples; DESTDIR= stages, KDIR= picks the kernel'
	@echo '  make uninstall  remove exactly what make install installed'
	@echo '  make sign KEY= CERT=  sign relq.ko (Secure Boot; see Documentation)'
	@echo '  make deps       install the Debian packages relq needs'
	@echo '  make clean      remove build output'
	@echo 'Variables: KDIR, RELQ_KVM=1 (use KVM on real hardware), TARGETS="debug 6.12 6.1",'
	@echo '           TESTS=<kselftest filter, e.g. t_sec_1>'
