/* harness.h - the unit-test harness.  A test file includes this and writes
 *
 *     TEST(name_of_test) { CHECK(x == 1); CHECK_EQ(a, b); }
 *
 * Tests register themselves (constructor attribute), so adding a file under
 * tests/unit/ is all it takes.  A failed CHECK reports file:line and ends the
 * test.  The runner prints one line per failure and closes with
 * "N passed, N failed".
 */
#ifndef MG_TEST_HARNESS_H
#define MG_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *name, const char *file, t_fn fn);
void t_fail(const char *file, int line, const char *expr, long long a, long long b, int has_vals);
int t_failed_now(void);
/* Copy `len` bytes into a buffer that ends exactly at an inaccessible guard
 * page, so a parser reading one byte too far faults under any build. */
uint8_t *t_guarded(const void *data, size_t len);
void t_guarded_free(uint8_t *p, size_t len);

#define TEST(name)                                                            \
	static void name(void);                                               \
	__attribute__((constructor)) static void name##_register(void)        \
	{                                                                     \
		t_register(#name, __FILE__, name);                            \
	}                                                                     \
	static void name(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			t_fail(__FILE__, __LINE__, #cond, 0, 0, 0);           \
			return;                                               \
		}                                                             \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);       \
		if (t_a_ != t_b_) {                                           \
			t_fail(__FILE__, __LINE__, #a " == " #b, t_a_, t_b_, 1); \
			return;                                               \
		}                                                             \
	} while (0)

#endif
