/* harness.c - registry and runner for TEST() cases (see harness.h). */
#include "harness.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define T_MAX 2048

struct t_case {
	const char *name;
	const char *file;
	t_fn fn;
};

static struct t_case t_cases[T_MAX];
static int t_ncases;
static int t_cur_failed;

void t_register(const char *name, const char *file, t_fn fn)
{
	if (t_ncases >= T_MAX) {
		fprintf(stderr, "harness: too many tests\n");
		exit(2);
	}
	t_cases[t_ncases++] = (struct t_case){name, file, fn};
}

void t_fail(const char *file, int line, const char *expr, long long a, long long b, int has_vals)
{
	t_cur_failed = 1;
	if (has_vals)
		fprintf(stderr, "  %s:%d: CHECK failed: %s (%lld != %lld)\n", file, line, expr, a, b);
	else
		fprintf(stderr, "  %s:%d: CHECK failed: %s\n", file, line, expr);
}

int t_failed_now(void)
{
	return t_cur_failed;
}

uint8_t *t_guarded(const void *data, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = ((len + pg - 1) / pg) * pg;
	uint8_t *base = mmap(NULL, span + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		abort();
	mprotect(base + span, pg, PROT_NONE);
	uint8_t *p = base + span - len;
	if (len)
		memcpy(p, data, len);
	return p;
}

void t_guarded_free(uint8_t *p, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = ((len + pg - 1) / pg) * pg;
	uint8_t *guard = p + len; /* first byte of the guard page */
	munmap(guard - span, span + pg);
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *filter = argc > 1 ? argv[1] : NULL;
	for (int i = 0; i < t_ncases; i++) {
		if (filter && !strstr(t_cases[i].name, filter) && !strstr(t_cases[i].file, filter))
			continue;
		t_cur_failed = 0;
		t_cases[i].fn();
		if (t_cur_failed) {
			failed++;
			fprintf(stderr, "FAIL %s (%s)\n", t_cases[i].name, t_cases[i].file);
		} else {
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
