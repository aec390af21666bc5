/* xdp_obj.c - the XDP program's object file (src/bpf/xdp_gate.bpf.c as
 * clang compiled it at build time), embedded in the binary so meetgate
 * never looks for it on disk.  The Makefile passes its path in
 * MG_XDP_OBJ_PATH and makes this file depend on it. */
#include "io/xdp_priv.h"

#ifndef MG_XDP_OBJ_PATH
#error "MG_XDP_OBJ_PATH: the compiled XDP object (see the Makefile)"
#endif

#define MG_STR2(x) #x
#define MG_STR(x) MG_STR2(x)

__asm__(".section .rodata\n"
	".balign 8\n"
	".global mg_xdp_obj\n"
	"mg_xdp_obj:\n"
	".incbin \"" MG_STR(MG_XDP_OBJ_PATH) "\"\n"
	"mg_xdp_obj_end:\n"
	".balign 4\n"
	".global mg_xdp_obj_len\n"
	"mg_xdp_obj_len:\n"
	".int mg_xdp_obj_end - mg_xdp_obj\n"
	".previous\n");
