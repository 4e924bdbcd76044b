# The exokernel: one Makefile for the kernel, the library OS, the programs,
# the boot image and the tests.  `make run` boots; `make test` tests.
# Everything is built under build/; listings (.asm) sit beside the binaries.

CC := gcc
LD := ld
OBJCOPY := objcopy
OBJDUMP := objdump
B := build

WARN := -Wall -Wextra -Werror
COMMON := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -Iinclude -I$(B)/include
KCFLAGS := $(COMMON) -mcmodel=kernel -fno-pic -mno-red-zone -mgeneral-regs-only \
	-I$(B)/kern
UCFLAGS := $(COMMON) -fno-pie -mno-red-zone -Ilibos
HOSTCFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -I$(B)/include \
	-fsanitize=address,undefined -fno-sanitize-recover=all

KERN_SRC := $(filter-out %/asm_offsets.c,$(wildcard kern/*.c kern/arch/x86_64/*.c)) lib/fmt.c lib/string.c \
	lib/elf.c lib/bootimg.c
KERN_ASM := kern/arch/x86_64/boot.S kern/arch/x86_64/entry.S
KERN_OBJ := $(patsubst %,$(B)/k/%.o,$(KERN_SRC) $(KERN_ASM))

LIBOS_SRC := $(wildcard libos/*.c) lib/fmt.c lib/string.c lib/elf.c lib/bootimg.c
# ExOS's runtime for Linux programs: libos again, compiled to run anywhere
# (-mcmodel=large) and linked high, beside the program it serves.
RUNTIME_SRC := $(wildcard libos/linux/*.c)
RUNTIME_OBJ := $(patsubst %,$(B)/ul/%.o,$(RUNTIME_SRC))
LIBOS_L_OBJ := $(patsubst %,$(B)/ul/%.o,$(LIBOS_SRC) $(wildcard libos/*.S))
# Static Linux programs for the boot image, built with musl (user/linux/).
LINUX_PROGS := $(patsubst user/linux/%.c,$(B)/linux/%,$(wildcard user/linux/*.c)) \
	$(B)/linux/lsys-pie
LIBOS_ASM := $(wildcard libos/*.S)
LIBOS_OBJ := $(patsubst %,$(B)/u/%.o,$(LIBOS_SRC) $(LIBOS_ASM))

# sysd, ExOS's system server (libos/sysd/): a native program of its own.
SYSD_OBJ := $(patsubst %,$(B)/u/%.o,$(wildcard libos/sysd/*.c))

# Programs: user/NAME.c and tests/guest/NAME.c, one executable each
# (user/linux/ holds Linux-ABI programs, built with musl-gcc instead).
PROGS := $(patsubst user/%.c,%,$(wildcard user/*.c)) \
	$(patsubst tests/guest/%.c,%,$(wildcard tests/guest/*.c))
PROG_BIN := $(addprefix $(B)/bin/,$(PROGS))

HOST_TESTS := $(patsubst tests/host/%.c,$(B)/host/%,$(wildcard tests/host/test_*.c))

GEN := $(B)/include/exo/syscall.h $(B)/kern/syscall_table.h

all: $(B)/kernel.bin $(B)/bootimg $(B)/kernel.asm

.PHONY: all run test test-host test-guest gdb bench shbench deps clean format help

deps:
	@tools/deps.sh

$(B)/include/exo/syscall.h: include/exo/syscalls.tbl tools/gensyscalls.awk
	@mkdir -p $(@D)
	awk -v mode=user -f tools/gensyscalls.awk $< > $@.tmp && mv $@.tmp $@

$(B)/kern/syscall_table.h: include/exo/syscalls.tbl tools/gensyscalls.awk
	@mkdir -p $(@D)
	awk -v mode=kernel -f tools/gensyscalls.awk $< > $@.tmp && mv $@.tmp $@

$(B)/k/%.c.o: %.c $(GEN)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -c $< -o $@

$(B)/k/%.S.o: %.S $(GEN)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -c $< -o $@

# Structure offsets for entry.S, from the compiler (asm_offsets.c).
$(B)/kern/asm_offsets.h: kern/arch/x86_64/asm_offsets.c $(GEN) $(wildcard kern/*.h kern/arch/x86_64/*.h include/exo/*.h)
	$(CC) $(KCFLAGS) -S -o - $< | sed -n 's/.*->\([A-Z_0-9]*\) \([0-9]*\).*/#define \1 \2/p' > $@.tmp
	mv $@.tmp $@

$(B)/k/kern/arch/x86_64/entry.S.o: $(B)/kern/asm_offsets.h

$(B)/kernel.elf: $(KERN_OBJ) kern/arch/x86_64/kernel.ld
	$(LD) -n -nostdlib --no-warn-rwx-segments -z noexecstack -z max-page-size=4096 -T kern/arch/x86_64/kernel.ld \
		-o $@ $(KERN_OBJ)

$(B)/kernel.bin: $(B)/kernel.elf
	$(OBJCOPY) -O binary $< $@

$(B)/kernel.asm: $(B)/kernel.elf
	$(OBJDUMP) -d -S $< > $@

$(B)/u/%.c.o: %.c $(GEN)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -MMD -c $< -o $@

$(B)/u/%.S.o: %.S $(GEN)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -MMD -c $< -o $@

$(B)/libos.a: $(LIBOS_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/bin/%: $(B)/u/user/%.c.o $(B)/libos.a
	@mkdir -p $(@D)
	$(LD) -static -nostdlib -z noexecstack -z max-page-size=4096 -z separate-code \
		-o $@ $(B)/u/libos/crt0.S.o $< $(B)/libos.a
	$(OBJDUMP) -d $@ > $@.asm

$(B)/bin/sysd: $(SYSD_OBJ) $(B)/libos.a
	@mkdir -p $(@D)
	$(LD) -static -nostdlib -z noexecstack -z max-page-size=4096 -z separate-code \
		-o $@ $(B)/u/libos/crt0.S.o $(SYSD_OBJ) $(B)/libos.a
	$(OBJDUMP) -d $@ > $@.asm

$(B)/bin/%: $(B)/u/tests/guest/%.c.o $(B)/libos.a
	@mkdir -p $(@D)
	$(LD) -static -nostdlib -z noexecstack -z max-page-size=4096 -z separate-code \
		-o $@ $(B)/u/libos/crt0.S.o $< $(B)/libos.a

# Linux programs: one static binary each, for Linux and ExOS's Linux ABI.
$(B)/linux/%: user/linux/%.c user/bench_ops.h user/linux/ltest.h
	@mkdir -p $(@D)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# lsys again, as a static PIE (it relocates itself, wherever it is loaded):
# musl-gcc's wrapper cannot link one, so gcc does, with musl's rcrt1.o.
MUSL_LIB = $(dir $(shell sed -n 's/.*-specs "\(.*\)".*/\1/p' $$(command -v musl-gcc)))
$(B)/linux/lsys-pie: user/linux/lsys.c
	@mkdir -p $(@D)
	musl-gcc -fPIE -O2 -Wall -Wextra -Werror -c -o $@.o $<
	$(CC) -static-pie -nostdlib -o $@ $(MUSL_LIB)rcrt1.o $(MUSL_LIB)crti.o $@.o \
		$(MUSL_LIB)libc.a $$($(CC) -print-libgcc-file-name) $(MUSL_LIB)crtn.o

$(B)/tools/mkbootimg: tools/mkbootimg.c lib/bootimg.c include/exo/abi.h
	@mkdir -p $(@D)
	$(CC) $(HOSTCFLAGS) -o $@ tools/mkbootimg.c lib/bootimg.c

# The Linux runtime touches no FPU or SIMD register: a program's own
# (which Linux's system calls preserve) stay as they were, through every
# call and until a signal frame saves them.
$(B)/ul/%.c.o: %.c $(GEN)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -mcmodel=large -mgeneral-regs-only -MMD -c $< -o $@

$(B)/ul/%.S.o: %.S $(GEN)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -mcmodel=large -MMD -c $< -o $@

$(B)/libos-large.a: $(LIBOS_L_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/bin/exos: $(RUNTIME_OBJ) $(B)/libos-large.a
	@mkdir -p $(@D)
	$(LD) -static -nostdlib -z noexecstack -z max-page-size=4096 -z separate-code \
		-Ttext-segment=0x7a0000000000 -o $@ $(B)/ul/libos/crt0.S.o \
		$(RUNTIME_OBJ) $(B)/libos-large.a

# Debian's busybox-static, fetched with apt (tools/busybox.sh), and the
# files of /etc: names with a slash go there, the rest to /bin.
$(B)/busybox $(B)/busybox.links: tools/busybox.sh
	tools/busybox.sh $(B)

ETC_FILES := $(wildcard user/etc/*)
# (The folders are prerequisites too: a file moved or removed changes them.)
# Shell scripts the benchmarks and tests run: /tests/shbench/NAME, and
# the shell's differential suite (tools/shtest.sh) with its runner at
# /tests/sh in the guest.
SHBENCH_FILES := $(wildcard tests/shbench/*)
SH_TESTS := $(wildcard tests/sh/*.sh tests/sh/known-failing/*.sh) tests/sh/run-all
BOOT_EXTRA := $(B)/busybox $(B)/busybox.links=etc/busybox.links \
	$(foreach f,$(ETC_FILES),$(f)=etc/$(notdir $(f))) \
	$(foreach f,$(SHBENCH_FILES) $(SH_TESTS),$(f)=$(f))

$(B)/bootimg: $(B)/tools/mkbootimg $(PROG_BIN) $(B)/bin/exos $(B)/bin/sysd $(LINUX_PROGS) \
		$(B)/busybox $(B)/busybox.links $(ETC_FILES) $(SHBENCH_FILES) $(SH_TESTS) \
		$(wildcard user/etc tests/sh tests/sh/known-failing tests/shbench)
	$(B)/tools/mkbootimg $@ $(PROG_BIN) $(B)/bin/exos $(B)/bin/sysd $(LINUX_PROGS) \
		$(BOOT_EXTRA)

# Host unit tests: pure logic, with AddressSanitizer and UBSan.
# Each includes the .c files it tests.
$(B)/host/test_%: tests/host/test_%.c $(GEN)
	@mkdir -p $(@D)
	$(CC) $(HOSTCFLAGS) -MMD -o $@ $<

# The targets people type check for missing packages first (tools/deps.sh).
run: deps
	@$(MAKE) --no-print-directory all
	tools/qemu.sh run $(if $(CMD),--cmd "$(CMD)")

gdb:
	@tools/deps.sh gdb
	@$(MAKE) --no-print-directory all
	tools/qemu.sh gdb

test: deps
	@$(MAKE) --no-print-directory all $(HOST_TESTS) $(LINUX_PROGS)
	@tools/test.sh $(HOST_TESTS)

test-host: deps
	@$(MAKE) --no-print-directory $(HOST_TESTS) $(LINUX_PROGS)
	@tools/test.sh --host-only $(HOST_TESTS)

test-guest: deps
	@$(MAKE) --no-print-directory all
	@tools/test.sh --guest-only

# make bench MODE=kvm: cycles on hardware-backed KVM (refused elsewhere).
MODE ?= icount
bench: deps
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory all $(B)/linux/lbench
	MODE=$(MODE) tools/bench.sh

# Do-nothing kernels that only print the time-stamp counter at their
# entry: what the firmware took before a kernel got control (shbench).
$(B)/shbench/fwnull-multiboot.bin: tools/fwnull-multiboot.S tools/fwnull.inc
	@mkdir -p $(@D)
	$(CC) -m32 -c -o $(@:.bin=.o) $<
	$(LD) -m elf_i386 -Ttext=0x100000 --oformat=binary -o $@ $(@:.bin=.o)

$(B)/shbench/fwnull-bzimage.bin: tools/fwnull-bzimage.S tools/fwnull.inc
	@mkdir -p $(@D)
	$(CC) -m32 -c -o $(@:.bin=.o) $<
	$(LD) -m elf_i386 -Ttext=0 --oformat=binary -o $@ $(@:.bin=.o)

# make shbench: boot to the shell, fork+exec and a pipeline, on the
# exokernel and on Linux, in instructions (icount) and seconds (TCG).
shbench: deps
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory all $(B)/shbench/fwnull-multiboot.bin \
		$(B)/shbench/fwnull-bzimage.bin
	tools/shbench.sh

format:
	clang-format -i $(KERN_SRC) $(LIBOS_SRC) $(wildcard kern/*.h libos/*.h lib/*.h include/exo/*.h user/*.c tests/*/*.c tools/*.c)

clean:
	rm -rf $(B)

help:
	@echo 'make run [CMD="..."]        build (installing what is missing) and boot into'
	@echo '                             the shell (busybox sh); CMD runs one shell command'
	@echo '                             and exits with its status'
	@echo 'make test                    every test: host units, Linux oracles, guest suite'
	@echo 'make test-host | test-guest  one half of it'
	@echo 'make bench [MODE=icount|kvm] the benchmark table against Linux (results/)'
	@echo 'make shbench                 boot, fork+exec, pipeline: shell scripts against'
	@echo '                             Linux, instructions and TCG seconds (results/)'
	@echo 'make gdb                     boot halted at a GDB stub; then: gdb -x build/gdbinit'
	@echo 'make format | clean | all    clang-format the sources | remove build/ | build only'

-include $(shell find $(B) -name '*.d' 2>/dev/null)
