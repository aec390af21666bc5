# meetgate - plain Makefile.  `make` builds the release binary; see README.md.
CC       ?= cc
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Isrc -Wall -Wextra -Wshadow -Wsign-compare \
                 -Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith -Wformat=2 \
                 -Wno-unused-parameter
REL_CFLAGS  := $(CFLAGS_COMMON) -Itools -O2 -g -DNDEBUG
ASAN_CFLAGS := $(CFLAGS_COMMON) -Itools -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined
LDLIBS   := -lpcap -ljson-c -lmicrohttpd -lpthread
NFQ_LIBS := -lnetfilter_queue -lmnl -lxdp -lbpf

# The XDP program of the AF_XDP data plane: clang for the BPF target, at
# build time; io/xdp_obj.c embeds the object in the library.
BPF_SRC := src/bpf/xdp_gate.bpf.c
BPF_OBJ := build/bpf/xdp_gate.bpf.o
BPF_CFLAGS := -O2 -g -Wall -target bpf -I/usr/include/$(shell gcc -print-multiarch)
$(BPF_OBJ): $(BPF_SRC)
	@mkdir -p $(dir $@)
	$(call say,BPF,$<)clang $(BPF_CFLAGS) -c $< -o $@
XDP_OBJ_FLAGS = -DMG_XDP_OBJ_PATH=$(abspath $(BPF_OBJ))
build/rel/src/io/xdp_obj.o build/asan/src/io/xdp_obj.o build/fuzzlib/src/io/xdp_obj.o: $(BPF_OBJ)
build/rel/src/io/xdp_obj.o: REL_CFLAGS += $(XDP_OBJ_FLAGS)
build/asan/src/io/xdp_obj.o: ASAN_CFLAGS += $(XDP_OBJ_FLAGS)
build/fuzzlib/src/io/xdp_obj.o: FUZZ_LIB_CFLAGS += $(XDP_OBJ_FLAGS)

# Build output: "  CC   file" per step by default, the full commands with
# `make V=1`, nothing at all with `make -s` (as Kbuild does).
V ?= 0
ifeq ($(V),1)
say :=
else
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say := @
else
say = @printf '  %-5s %s\n' $(1) $(2);
endif
endif

LIB_SRC   := $(sort $(wildcard src/util/*.c src/core/*.c src/asn1/*.c src/proto/*.c src/alg/*.c src/io/*.c src/ctl/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/*.c))
HDRS      := $(wildcard src/*/*.h tests/unit/*.h tools/meetcall/*.h)

REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)

.PHONY: all deps check unit bench bench-live fuzz fuzz-long demo clean man install uninstall

all: build/rel/meetgate

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(REL_CFLAGS) -c $< -o $@

build/asan/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ASAN_CFLAGS) -c $< -o $@

build/rel/libmeetgate.a: $(REL_OBJ)
	$(call say,AR,$@)rm -f $@; ar rcs $@ $^

build/asan/libmeetgate.a: $(ASAN_OBJ)
	$(call say,AR,$@)rm -f $@; ar rcs $@ $^

build/rel/meetgate: $(CLI_SRC:%.c=build/rel/%.o) build/rel/libmeetgate.a
	$(call say,LD,$@)$(CC) $(REL_CFLAGS) -o $@ $^ $(LDLIBS) $(NFQ_LIBS)

build/asan/meetgate: $(CLI_SRC:%.c=build/asan/%.o) build/asan/libmeetgate.a
	$(call say,LD,$@)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LDLIBS) $(NFQ_LIBS)

# meetcall: the H.323 endpoint and call generator (tools/meetcall/)
MEETCALL_SRC := $(sort $(wildcard tools/meetcall/*.c))
MEETCALL_LIB := $(filter-out tools/meetcall/main.c,$(MEETCALL_SRC))
build/rel/meetcall: $(MEETCALL_SRC:%.c=build/rel/%.o) build/rel/libmeetgate.a
	$(call say,LD,$@)$(CC) $(REL_CFLAGS) -Itools -o $@ $^ $(LDLIBS) -lm

build/asan/meetcall: $(MEETCALL_SRC:%.c=build/asan/%.o) build/asan/libmeetgate.a
	$(call say,LD,$@)$(CC) $(ASAN_CFLAGS) -Itools -o $@ $^ $(LDLIBS) -lm

# unit tests also cover meetcall's message code (everything but its main),
# how the subcommands load a configuration (src/cli/args.c) and the
# next-hop cache's notification parser (libmnl)
build/asan/unit_tests: $(UNIT_SRC:%.c=build/asan/%.o) $(MEETCALL_LIB:%.c=build/asan/%.o) build/asan/src/cli/args.o build/asan/src/cli/logline.o build/asan/libmeetgate.a
	$(call say,LD,$@)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LDLIBS) -lmnl -lm

build/rel/meetgate-bench: $(BENCH_SRC:%.c=build/rel/%.o) build/rel/libmeetgate.a
	$(call say,LD,$@)$(CC) $(REL_CFLAGS) -o $@ $^ $(LDLIBS)

build/rel/udpblast: tools/udpblast.c
	@mkdir -p build/rel
	$(call say,CC,$@)$(CC) -O2 -g -Wall -Wextra -o $@ $<

build/rel/mgload: tools/mgload.c
	@mkdir -p build/rel
	$(call say,CC,$@)$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wshadow -Wsign-compare \
		-Wmissing-prototypes -Wstrict-prototypes -o $@ $<

# Debian packages the build and the tests need (installed by `make deps`).
deps:
	@sh tools/deps.sh

unit: build/asan/unit_tests
	./build/asan/unit_tests

# `make check`: sanitizer build, unit tests, replay tests, short fuzz runs.
check: deps build/asan/unit_tests build/asan/meetgate build/rel/meetgate build/rel/meetcall build/rel/udpblast man
	@sh tests/run_all.sh

bench: build/rel/meetgate-bench build/rel/meetgate
	./build/rel/meetgate-bench

# libFuzzer harnesses (clang): one binary per fuzz/*.c, all linked against
# one instrumented build of the library (compiled once, not per harness)
FUZZ_CFLAGS := $(CFLAGS_COMMON) -O1 -g -fsanitize=fuzzer,address,undefined
FUZZ_LIB_CFLAGS := $(CFLAGS_COMMON) -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzzlib/%.o)
FUZZ_BINS := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
build/fuzzlib/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)clang $(FUZZ_LIB_CFLAGS) -c $< -o $@
build/fuzzlib/libmeetgate.a: $(FUZZ_OBJ)
	$(call say,AR,$@)rm -f $@; ar rcs $@ $^
build/fuzz/%: fuzz/%.c build/fuzzlib/libmeetgate.a $(HDRS) $(wildcard fuzz/*.h)
	@mkdir -p build/fuzz
	$(call say,LD,$@)clang $(FUZZ_CFLAGS) -o $@ $< build/fuzzlib/libmeetgate.a $(LDLIBS) $(NFQ_LIBS)
# meetcall's RAS code is compiled into its harness (it is not in the library)
MC_RAS_SRC := tools/meetcall/msg_ras.c tools/meetcall/ras_dec.c
build/fuzz/fuzz_meetcall_ras: fuzz/fuzz_meetcall_ras.c $(MC_RAS_SRC) build/fuzzlib/libmeetgate.a $(HDRS)
	@mkdir -p build/fuzz
	$(call say,LD,$@)clang $(FUZZ_CFLAGS) -Itools -o $@ $< $(MC_RAS_SRC) build/fuzzlib/libmeetgate.a $(LDLIBS) $(NFQ_LIBS)
fuzz: $(FUZZ_BINS)

# the build is silent here (compiler warnings and errors still show), so the
# demo's story starts at the top of the screen
demo: deps
	@echo "Building meetgate and meetcall (make V=1 build/rel/meetgate shows the commands)."
	@$(MAKE) -s --no-print-directory build/rel/meetgate build/rel/meetcall
	@sh tools/demo.sh

clean:
	rm -rf build

# Manual pages: scdoc sources in man/, roff in build/man/.
MAN_SRC := $(sort $(wildcard man/*.scd))
MAN_OUT := $(MAN_SRC:man/%.scd=build/man/%)
man: $(MAN_OUT)
build/man/%: man/%.scd
	@mkdir -p build/man
	$(call say,MAN,$@)scdoc <$< >$@.tmp && mv $@.tmp $@

# `make install [PREFIX=/usr/local] [DESTDIR=]`: binaries, manual pages,
# bash completion and the systemd unit, made from contrib/meetgate.service.in
# so that it starts the binary where this install put it.  The unit goes
# below $(PREFIX)/lib/systemd/system (systemd reads /usr/local/lib/... too).
PREFIX  ?= /usr/local
SBINDIR := $(PREFIX)/sbin
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
UNITDIR := $(PREFIX)/lib/systemd/system
INSTALL ?= install
install: build/rel/meetgate build/rel/meetcall man
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 build/rel/meetgate $(DESTDIR)$(SBINDIR)/meetgate
	$(INSTALL) -m 0755 build/rel/meetcall $(DESTDIR)$(BINDIR)/meetcall
	$(INSTALL) -m 0644 build/man/meetgate.8 $(DESTDIR)$(MANDIR)/man8/meetgate.8
	$(INSTALL) -m 0644 build/man/meetgate.conf.5 $(DESTDIR)$(MANDIR)/man5/meetgate.conf.5
	$(INSTALL) -m 0644 build/man/meetcall.1 $(DESTDIR)$(MANDIR)/man1/meetcall.1
	$(INSTALL) -m 0644 contrib/bash-completion/meetgate $(DESTDIR)$(BASHCOMPDIR)/meetgate
	$(INSTALL) -m 0644 contrib/bash-completion/meetgate $(DESTDIR)$(BASHCOMPDIR)/meetcall
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/meetgate.service.in >$(DESTDIR)$(UNITDIR)/meetgate.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/meetgate.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/meetgate $(DESTDIR)$(BINDIR)/meetcall \
		$(DESTDIR)$(MANDIR)/man8/meetgate.8 $(DESTDIR)$(MANDIR)/man5/meetgate.conf.5 \
		$(DESTDIR)$(MANDIR)/man1/meetcall.1 $(DESTDIR)$(BASHCOMPDIR)/meetgate \
		$(DESTDIR)$(BASHCOMPDIR)/meetcall $(DESTDIR)$(UNITDIR)/meetgate.service

# Long fuzzing session: every harness for FUZZ_LONG seconds (default 600),
# corpora grow in build/fuzz-corpus/, findings land in build/fuzz-findings/.
FUZZ_LONG ?= 600
fuzz-long: $(FUZZ_BINS)
	@sh tools/fuzz_long.sh $(FUZZ_LONG)

# Live figures in the network-namespace lab (root): meetgate vs kernel NAT.
bench-live: build/rel/meetgate build/rel/meetcall build/rel/mgload
	@sh tests/lab/bench_live.sh
